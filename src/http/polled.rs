//! A [`Body`] read by polling, for handing it on as it arrives (`forward`
//! relays big answers to its caller through hyper's `Body` trait).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;

use super::error::Error;
use super::response::Body;

type Reading = Pin<Box<dyn Future<Output = (Body, Result<Option<Bytes>, Error>)> + Send>>;

/// A body being read piece by piece from `poll_chunk`.
pub struct PolledBody {
    state: State,
}

enum State {
    Idle(Body),
    Reading(Reading),
    /// Only while a poll moves the body between the other two.
    Gone,
}

impl std::fmt::Debug for PolledBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PolledBody")
            .field("done", &self.is_done())
            .finish()
    }
}

impl PolledBody {
    /// Reads `body` by polling.
    pub fn new(body: Body) -> Self {
        Self {
            state: State::Idle(body),
        }
    }

    /// The next piece of the body, `None` at its end.
    pub fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<Bytes>, Error>> {
        if let State::Idle(_) = self.state
            && let State::Idle(mut body) = std::mem::replace(&mut self.state, State::Gone)
        {
            self.state = State::Reading(Box::pin(async move {
                let piece = body.chunk().await;
                (body, piece)
            }));
        }
        let State::Reading(reading) = &mut self.state else {
            return Poll::Ready(Ok(None));
        };
        let (body, piece) = std::task::ready!(reading.as_mut().poll(cx));
        self.state = State::Idle(body);
        Poll::Ready(piece)
    }

    /// True once the whole body has been read.
    pub fn is_done(&self) -> bool {
        matches!(&self.state, State::Idle(body) if body.is_done())
    }

    /// The exact number of body bytes still to come, when known.
    pub fn remaining(&self) -> Option<u64> {
        match &self.state {
            State::Idle(body) => body.remaining(),
            _ => None,
        }
    }

    /// The body back, unless a read was cut off halfway.
    pub fn into_body(self) -> Option<Body> {
        match self.state {
            State::Idle(body) => Some(body),
            _ => None,
        }
    }
}
