//! One integration test binary (faster to link than one per file), driving the
//! real `hookcap` binary over real HTTP.

mod util;

mod cli_meta;
mod generated;
mod listen_capture;
mod listen_lifecycle;
mod ls_show;
mod store_errors;
mod tui;
