//! Uploaded IVR prompts (语音文件): the audio as calls play it (8 kHz 16-bit mono PCM), per
//! enterprise, and the check that keeps a prompt some IVR flow plays from being deleted.

use std::sync::Arc;

use model::prompts::{Prompt, PromptAudio};
use model::{EnterpriseId, Page, PageQuery, PromptId};

use crate::{Result, Store, StoreError, Tenant, like_pattern, on_pool};

/// A `prompts` row without its audio.
#[derive(sqlx::FromRow)]
struct PromptRow {
    id: i64,
    name: String,
    seconds: f64,
    file_name: Option<String>,
    created_at: i64,
}

impl From<PromptRow> for Prompt {
    fn from(r: PromptRow) -> Prompt {
        Prompt {
            id: PromptId(r.id),
            name: r.name,
            seconds: r.seconds,
            file_name: r.file_name,
            created_at: r.created_at,
        }
    }
}

/// Every `prompts` column but the audio, then the rest of the statement.
macro_rules! select_prompts {
    ($rest:literal) => {
        concat!(
            "SELECT id, name, seconds, file_name, created_at FROM prompts ",
            $rest
        )
    };
}

/// 8 kHz samples as stored: little-endian 16-bit PCM.
fn to_bytes(samples: &[i16]) -> Vec<u8> {
    samples.iter().flat_map(|s| s.to_le_bytes()).collect()
}

/// Stored bytes back to samples (an odd trailing byte is dropped).
fn to_samples(bytes: &[u8]) -> Vec<i16> {
    bytes
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect()
}

/// The sample rate of stored prompts.
const RATE: f64 = 8_000.0;

/// Whether a flow (JSON) plays the uploaded prompt `id` anywhere: any object `{"file": id}`.
/// Walks the JSON rather than the IVR crate's types so that a flow the current code cannot parse
/// still protects its prompts.
fn plays(flow: &serde_json::Value, id: i64) -> bool {
    match flow {
        serde_json::Value::Object(map) => {
            map.get("file").and_then(serde_json::Value::as_i64) == Some(id)
                || map.values().any(|v| plays(v, id))
        }
        serde_json::Value::Array(items) => items.iter().any(|v| plays(v, id)),
        _ => false,
    }
}

impl Store {
    /// Every enterprise's uploaded prompts, ready to play, for the SIP endpoint.
    pub(crate) async fn prompt_directory(
        &self,
    ) -> Result<Vec<(EnterpriseId, PromptId, PromptAudio)>> {
        let rows: Vec<(i64, i64, Vec<u8>)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT enterprise_id, id, audio FROM prompts ORDER BY id",
        )
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|(e, id, audio)| {
                (
                    EnterpriseId(e),
                    PromptId(id),
                    PromptAudio(Arc::from(to_samples(&audio))),
                )
            })
            .collect())
    }
}

impl Tenant<'_> {
    /// Stores a converted prompt (8 kHz mono samples); `Duplicate("name")` if the enterprise has
    /// a prompt of that name.
    pub async fn create_prompt(
        &self,
        name: &str,
        file_name: Option<&str>,
        samples: &[i16],
        now: i64,
    ) -> Result<Prompt> {
        #[allow(clippy::cast_precision_loss)] // at most minutes of audio
        let seconds = samples.len() as f64 / RATE;
        let id: i64 = on_pool!(self.store, pool => sqlx::query_scalar(
            "INSERT INTO prompts (enterprise_id, name, seconds, audio, file_name, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(self.enterprise.0)
        .bind(name)
        .bind(seconds)
        .bind(to_bytes(samples))
        .bind(file_name)
        .bind(now)
        .fetch_one(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "name"))?);
        self.prompt(PromptId(id)).await
    }

    /// A page of the enterprise's prompts whose name contains the search text, ordered by name.
    pub async fn prompts(&self, q: &PageQuery) -> Result<Page<Prompt>> {
        let e = self.enterprise.0;
        let pattern = like_pattern(q.search());
        let (rows, total): (Vec<PromptRow>, i64) = on_pool!(self.store, pool => {
            let rows = sqlx::query_as::<_, PromptRow>(select_prompts!(
                "WHERE enterprise_id = $1 AND LOWER(name) LIKE $2 ESCAPE '\\' \
                 ORDER BY name LIMIT $3 OFFSET $4"
            ))
            .bind(e)
            .bind(&pattern)
            .bind(i64::from(q.page_size()))
            .bind(q.offset())
            .fetch_all(pool)
            .await?;
            let total: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM prompts WHERE enterprise_id = $1 AND LOWER(name) LIKE $2 ESCAPE '\\'",
            )
            .bind(e)
            .bind(&pattern)
            .fetch_one(pool)
            .await?;
            (rows, total)
        });
        Ok(Page {
            items: rows.into_iter().map(Prompt::from).collect(),
            total,
            page: q.page(),
            page_size: q.page_size(),
        })
    }

    /// One prompt, without its audio.
    pub async fn prompt(&self, id: PromptId) -> Result<Prompt> {
        let row: Option<PromptRow> = on_pool!(self.store, pool => sqlx::query_as(
            select_prompts!("WHERE enterprise_id = $1 AND id = $2"),
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
        row.map(Prompt::from).ok_or(StoreError::NotFound)
    }

    /// A prompt's audio: 8 kHz mono 16-bit samples.
    pub async fn prompt_audio(&self, id: PromptId) -> Result<Vec<i16>> {
        let bytes: Option<Vec<u8>> = on_pool!(self.store, pool => sqlx::query_scalar(
            "SELECT audio FROM prompts WHERE enterprise_id = $1 AND id = $2",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .fetch_optional(pool)
        .await?);
        bytes.map(|b| to_samples(&b)).ok_or(StoreError::NotFound)
    }

    /// Renames a prompt; `Duplicate("name")` if the name is taken.
    pub async fn rename_prompt(&self, id: PromptId, name: &str) -> Result<Prompt> {
        let n = on_pool!(self.store, pool => sqlx::query(
            "UPDATE prompts SET name = $3 WHERE enterprise_id = $1 AND id = $2",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .bind(name)
        .execute(pool)
        .await
        .map_err(|e| StoreError::on_write(e, "name"))?
        .rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.prompt(id).await
    }

    /// The enterprise's numbers whose IVR flow plays the prompt, ordered by number.
    pub async fn numbers_playing(&self, id: PromptId) -> Result<Vec<String>> {
        let rows: Vec<(String, String)> = on_pool!(self.store, pool => sqlx::query_as(
            "SELECT number, flow FROM numbers WHERE enterprise_id = $1 AND flow IS NOT NULL \
             ORDER BY number",
        )
        .bind(self.enterprise.0)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .filter(|(_, flow)| {
                serde_json::from_str::<serde_json::Value>(flow).is_ok_and(|f| plays(&f, id.0))
            })
            .map(|(number, _)| number)
            .collect())
    }

    /// Deletes a prompt; `PromptInUse` naming the numbers whose IVR flow plays it. Skill groups
    /// whose survey played it go back to the built-in survey prompt.
    pub async fn delete_prompt(&self, id: PromptId) -> Result<()> {
        self.prompt(id).await?;
        let numbers = self.numbers_playing(id).await?;
        if !numbers.is_empty() {
            return Err(StoreError::PromptInUse(numbers));
        }
        on_pool!(self.store, pool => sqlx::query(
            "UPDATE skill_groups SET survey_prompt_id = NULL WHERE enterprise_id = $1 AND survey_prompt_id = $2",
        )
        .bind(self.enterprise.0)
        .bind(id.0)
        .execute(pool)
        .await?
        .rows_affected());
        self.delete_by_id(
            "DELETE FROM prompts WHERE enterprise_id = $1 AND id = $2",
            id.0,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_round_trip_through_bytes() {
        let s = [0, 1, -1, i16::MAX, i16::MIN, 1234];
        assert_eq!(to_samples(&to_bytes(&s)), s);
    }

    #[test]
    fn a_flow_plays_a_file_wherever_it_names_it() {
        let flow = serde_json::json!({ "start": "m", "steps": {
            "w": { "type": "play", "prompt": { "builtin": "welcome" }, "next": "m" },
            "m": { "type": "menu", "prompt": { "file": 3 }, "invalid_prompt": { "file": 7 },
                   "options": { "1": "w" } } } });
        assert!(plays(&flow, 3));
        assert!(plays(&flow, 7));
        assert!(!plays(&flow, 4));
    }
}
