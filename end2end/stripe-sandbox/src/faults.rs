//! Injected failures, to test a client's resilience: queues tests fill, one for any API call and one
//! for refund creations only, each consumed one fault per call in order.

use std::collections::VecDeque;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::errors::ApiError;
use crate::sandbox::Sandbox;

/// One injected failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The next authenticated API call answers `500 api_error` and does nothing. The answer is
    /// saved under the call's idempotency key, so a retry with the same key gets it again.
    ServerError,
    /// The next authenticated API call answers `429` (`code: "rate_limit"`, no `Retry-After`) and
    /// does nothing; not saved under its idempotency key.
    TooManyRequests,
    /// The next authenticated API call waits this long, then goes on; meanwhile its idempotency key
    /// is in use, so a concurrent repeat gets `409`.
    Slow(Duration),
    /// The next valid `POST /v1/refunds` answers `500 api_error` and refunds nothing.
    RefundServerError,
    /// The next valid `POST /v1/refunds` creates the refund with `status: "failed"`.
    RefundFailed,
    /// The next valid `POST /v1/refunds` creates the refund with `status: "pending"`, to settle
    /// through [`Sandbox::settle_refund`].
    RefundPending,
}

impl Fault {
    fn is_refund_fault(self) -> bool {
        matches!(self, Self::RefundServerError | Self::RefundFailed | Self::RefundPending)
    }
}

/// The faults still to inject.
#[derive(Default)]
pub(crate) struct FaultPlan {
    api: VecDeque<Fault>,
    refunds: VecDeque<Fault>,
}

impl FaultPlan {
    pub(crate) fn push(&mut self, fault: Fault, count: usize) {
        let queue = if fault.is_refund_fault() {
            &mut self.refunds
        } else {
            &mut self.api
        };
        queue.extend(std::iter::repeat_n(fault, count));
    }

    pub(crate) fn pending(&self) -> usize {
        self.api.len() + self.refunds.len()
    }

    pub(crate) fn next_api(&mut self) -> Option<Fault> {
        self.api.pop_front()
    }

    pub(crate) fn next_refund(&mut self) -> Option<Fault> {
        self.refunds.pop_front()
    }
}

/// Applies the next API fault, if any, to an authenticated call.
pub(crate) async fn inject(State(sandbox): State<Sandbox>, request: Request, next: Next) -> Response {
    // Taken in its own statement so the lock is released before the call runs.
    let fault = sandbox.lock().faults.next_api();
    let Some(fault) = fault else {
        return next.run(request).await;
    };
    tracing::info!(?fault, path = request.uri().path(), "injecting fault");
    match fault {
        Fault::TooManyRequests => ApiError::rate_limited().into_response(),
        Fault::Slow(delay) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        // Refund faults never reach this queue.
        Fault::ServerError | Fault::RefundServerError | Fault::RefundFailed | Fault::RefundPending => {
            ApiError::server_error().into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refund_faults_wait_for_refunds() {
        let mut plan = FaultPlan::default();
        plan.push(Fault::RefundFailed, 2);
        plan.push(Fault::ServerError, 1);
        assert_eq!(plan.pending(), 3);
        assert_eq!(plan.next_api(), Some(Fault::ServerError));
        assert_eq!(plan.next_api(), None);
        assert_eq!(plan.next_refund(), Some(Fault::RefundFailed));
        assert_eq!(plan.next_refund(), Some(Fault::RefundFailed));
        assert_eq!(plan.next_refund(), None);
    }
}
