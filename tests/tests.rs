//! One integration test binary (faster to link than one per file), driving the
//! real `hookcap` binary over real HTTP.

mod util;

mod ci_recipe;
mod cli_meta;
mod export_import;
mod filter_terms;
mod forward;
mod generated;
mod har_import;
mod har_readers;
mod hostile;
mod listen_capture;
mod listen_lifecycle;
mod ls_show;
mod relay;
mod replay;
mod retention;
mod send;
mod send_curl;
mod send_limits;
mod send_load;
mod send_proxy;
mod store_errors;
mod structure;
mod terminal_safety;
mod tui;
mod verify;
mod wait;
mod webhooks;
