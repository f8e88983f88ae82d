//! The answer HubSpot's batch endpoints share: `status`, `results` and timestamps, plus `errors` and
//! `numErrors` with status `207` when only some inputs succeeded.

use axum::Json;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::errors::ApiError;
use crate::state::iso;

/// HubSpot's batch limit for objects and associations alike.
pub(crate) const MAX_INPUTS: usize = 100;

/// Refuses an empty or oversized `inputs` list, as HubSpot does for the whole batch.
pub(crate) fn check_size(inputs: usize) -> Result<(), ApiError> {
    if inputs == 0 || inputs > MAX_INPUTS {
        return Err(ApiError::Validation(format!(
            "inputs must contain between 1 and {MAX_INPUTS} items; got {inputs}"
        )));
    }
    Ok(())
}

/// `success` when every input succeeded, else `207` with the errors.
pub(crate) fn answer(
    success: StatusCode,
    results: Vec<Value>,
    errors: Vec<Value>,
    started: DateTime<Utc>,
    completed: DateTime<Utc>,
) -> (StatusCode, Json<Value>) {
    let mut body = json!({
        "status": "COMPLETE",
        "results": results,
        "startedAt": iso(started),
        "completedAt": iso(completed),
    });
    if errors.is_empty() {
        return (success, Json(body));
    }
    body["numErrors"] = json!(errors.len());
    body["errors"] = Value::Array(errors);
    (StatusCode::MULTI_STATUS, Json(body))
}

/// One entry of a batch answer's `errors` (HubSpot's `StandardError`); `context` names the inputs.
pub(crate) fn error(error: &ApiError, context: Value) -> Value {
    let (_, category, message) = error.parts();
    json!({
        "status": "error",
        "category": category,
        "message": message,
        "context": context,
        "errors": [],
        "links": {},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_turn_the_answer_into_a_multi_status() {
        let now = Utc::now();
        let (status, Json(body)) = answer(StatusCode::CREATED, vec![json!({"id": "1"})], vec![], now, now);
        assert_eq!(status, StatusCode::CREATED);
        assert!(body.get("numErrors").is_none() && body.get("errors").is_none());

        let failed = error(&ApiError::Validation("bad".to_owned()), json!({"ids": ["x"]}));
        let (status, Json(body)) = answer(StatusCode::OK, vec![], vec![failed], now, now);
        assert_eq!(status, StatusCode::MULTI_STATUS);
        assert_eq!(body["numErrors"], 1);
        assert_eq!(body["errors"][0]["category"], "VALIDATION_ERROR");
        assert_eq!(body["errors"][0]["context"], json!({"ids": ["x"]}));
        assert_eq!(body["status"], "COMPLETE");
    }

    #[test]
    fn batches_hold_one_to_a_hundred_inputs() {
        assert!(check_size(0).is_err());
        assert!(check_size(1).is_ok() && check_size(MAX_INPUTS).is_ok());
        assert!(check_size(MAX_INPUTS + 1).is_err());
    }
}
