//! The app's answer body on its way to the caller, when it is too big (or
//! of unknown length) to be read whole first.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::{Either, Full};
use hyper::body::{Body, Frame, SizeHint};

use super::delivery::Recording;
use crate::http::{Client, PolledBody};
use crate::store::Committed;

/// What the capture server answers with: a complete body, or the app's body
/// relayed as it arrives.
pub type AnswerBody = Either<Full<Bytes>, RelayBody>;

type Polled = Poll<Option<Result<Frame<Bytes>, Box<dyn std::error::Error + Send + Sync>>>>;

/// The app's answer body, copied into the delivery record as it passes and
/// cut off at the upstream deadline. Its last frame (`None`: the end of a
/// body of unknown length) is held back until the delivery is committed,
/// so a caller that has the whole answer knows `hookcap show` has it too.
/// Once the body has ended, its connection goes back to the client's pool.
pub struct RelayBody {
    body: Option<PolledBody>,
    client: Arc<Client>,
    deadline: Pin<Box<tokio::time::Sleep>>,
    recording: Option<Recording>,
    held: Option<(Option<Frame<Bytes>>, Committed)>,
}

impl RelayBody {
    /// Relays `body` until `deadline`, recording it in `recording`.
    pub(super) fn new(
        body: PolledBody,
        client: Arc<Client>,
        deadline: tokio::time::Instant,
        recording: Recording,
    ) -> Self {
        Self {
            body: Some(body),
            client,
            deadline: Box::pin(tokio::time::sleep_until(deadline)),
            recording: Some(recording),
            held: None,
        }
    }

    fn ended(&self) -> bool {
        self.body.as_ref().is_none_or(PolledBody::is_done)
    }

    /// Records a delivery that went wrong; nobody waits for its commit.
    fn fail(&mut self, error: String) {
        self.body = None;
        if let Some(recording) = self.recording.take() {
            drop(recording.finish(Some(error)));
        }
    }

    /// The app's body has ended with `last`: the connection goes back to the
    /// pool, the delivery is recorded, and `last` is held back until the
    /// record is committed.
    fn end(&mut self, last: Option<Frame<Bytes>>, cx: &mut Context<'_>) -> Polled {
        if let Some(body) = self.body.take().and_then(PolledBody::into_body) {
            self.client.recycle(body);
        }
        match self.recording.take().and_then(|r| r.finish(None)) {
            Some(committed) => {
                self.held = Some((last, committed));
                self.release(cx)
            }
            None => Poll::Ready(last.map(Ok)),
        }
    }

    /// Passes the held last frame on once its delivery is committed.
    fn release(&mut self, cx: &mut Context<'_>) -> Polled {
        let Some((_, committed)) = self.held.as_mut() else {
            return Poll::Ready(None);
        };
        // An error means the record was lost (the writer logged why): go on.
        if Pin::new(committed).poll(cx).is_pending() {
            return Poll::Pending;
        }
        Poll::Ready(self.held.take().and_then(|(last, _)| last).map(Ok))
    }
}

impl Body for RelayBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Polled {
        let this = &mut *self;
        if this.held.is_some() {
            return this.release(cx);
        }
        let Some(body) = this.body.as_mut() else {
            return Poll::Ready(None);
        };
        match body.poll_chunk(cx) {
            Poll::Ready(Ok(Some(data))) => {
                if let Some(recording) = this.recording.as_mut() {
                    recording.keep(&data);
                }
                let frame = Frame::data(data);
                if this.ended() {
                    return this.end(Some(frame), cx);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Ok(None)) => this.end(None, cx),
            Poll::Ready(Err(e)) => {
                this.fail(format!("the answer's body broke off: {e}"));
                Poll::Ready(Some(Err(e.into())))
            }
            Poll::Pending => {
                if this.deadline.as_mut().poll(cx).is_ready() {
                    this.fail("the answer's body did not end in time".into());
                    return Poll::Ready(Some(Err("the app's answer did not end in time".into())));
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        // Until the delivery is recorded, the end is not reached even for an
        // empty body: hyper must poll once more so that it waits for the commit.
        self.recording.is_none() && self.held.is_none() && self.ended()
    }

    fn size_hint(&self) -> SizeHint {
        match self.body.as_ref().and_then(PolledBody::remaining) {
            Some(n) => SizeHint::with_exact(n),
            None => SizeHint::default(),
        }
    }
}

impl Drop for RelayBody {
    fn drop(&mut self) {
        if let Some(recording) = self.recording.take() {
            let error = (!self.ended())
                .then(|| "the caller left before the whole answer was passed on".to_owned());
            drop(recording.finish(error));
        }
    }
}
