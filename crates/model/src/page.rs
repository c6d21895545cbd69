//! Paging and search parameters shared by every list endpoint.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// `?q=&page=&page_size=` of a list request.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Search text, matched against names and work IDs (case-insensitive substring).
    pub q: Option<String>,
    /// 1-based page number; defaults to 1.
    pub page: Option<u32>,
    /// Rows per page, 1–200; defaults to 20.
    pub page_size: Option<u32>,
}

impl PageQuery {
    /// The page number, at least 1.
    pub fn page(&self) -> u32 {
        self.page.unwrap_or(1).max(1)
    }

    /// The page size, clamped to 1–200.
    pub fn page_size(&self) -> u32 {
        self.page_size.unwrap_or(20).clamp(1, 200)
    }

    /// Rows to skip before this page.
    pub fn offset(&self) -> i64 {
        i64::from(self.page() - 1) * i64::from(self.page_size())
    }

    /// The search text, trimmed; `None` when empty.
    pub fn search(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
}

/// One page of a list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// Rows matching the search across all pages.
    pub total: i64,
    /// This page's number, 1-based.
    pub page: u32,
    /// Rows per page.
    pub page_size: u32,
}
