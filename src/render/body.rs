//! TEMP
use super::color::Paint;
use crate::model::Header;
/// x
pub struct BodyOptions {
    /// x
    pub max_bytes: usize,
}
/// x
pub fn render_body(_h: &[Header], b: &[u8], _p: &Paint, _o: BodyOptions) -> String {
    super::sanitize_bytes(b)
}
