//! The stable form of a pipeline stage.

use domain::pipeline::PipelineStage;
use serde_json::{Value, json};

/// A pipeline stage as history and the change feed keep it.
pub fn pipeline_stage(stage: &PipelineStage) -> Value {
    let f = &stage.fields;
    json!({
        "id": stage.id,
        "name": f.name,
        "position": f.position,
        "default_probability": rust_decimal::Decimal::from(f.default_probability),
        "kind": f.kind.as_str(),
        "retired": f.retired,
        "version": stage.version,
        "created_at": stage.created_at,
        "updated_at": stage.updated_at,
    })
}
