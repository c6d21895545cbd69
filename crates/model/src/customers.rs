//! Customers (客户管理, SPEC §10) with their follow-up records (跟进记录) and timeline (客户轨迹),
//! and scheduled callbacks (预约回呼, SPEC §3).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::calls::CallRecord;
use crate::{CallId, CallbackId, CustomerId, UserId};

/// A customer of the enterprise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Customer {
    /// Id.
    pub id: CustomerId,
    /// Name.
    pub name: String,
    /// Company.
    pub company: Option<String>,
    /// Phone numbers, the first one the main number; each belongs to one customer only.
    pub numbers: Vec<String>,
    /// Tags, e.g. "VIP".
    pub tags: Vec<String>,
    /// Free fields (name → value), e.g. `{"地址": "深圳"}`.
    pub fields: BTreeMap<String, String>,
    /// The agent whose customer this is ("my customers"); `null` for nobody's.
    pub owner_id: Option<UserId>,
    /// The owner's name, while the user exists.
    pub owner_name: Option<String>,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms, last change of the profile.
    pub updated_at: i64,
}

/// `POST /customers`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    /// Name, 1–100 characters.
    pub name: String,
    /// Company, up to 100 characters.
    #[serde(default)]
    pub company: Option<String>,
    /// At least one phone number (digits, optional leading `+`), at most 10.
    pub numbers: Vec<String>,
    /// Tags, at most 20 of up to 30 characters.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Free fields, at most 30, names up to 50 and values up to 500 characters.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// The owner; defaults to the user creating it. Another user needs a data scope wider than
    /// `self`.
    #[serde(default)]
    pub owner_id: Option<UserId>,
}

/// `PATCH /customers/{id}`: the fields given change, the others stay.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerUpdate {
    /// New name.
    pub name: Option<String>,
    /// New company; `null` clears it.
    #[serde(default, with = "crate::patch")]
    #[schema(value_type = Option<String>)]
    pub company: Option<Option<String>>,
    /// The new list of numbers (replaces the old one).
    pub numbers: Option<Vec<String>>,
    /// The new tags (replace the old ones).
    pub tags: Option<Vec<String>>,
    /// The new free fields (replace the old ones).
    pub fields: Option<BTreeMap<String, String>>,
    /// New owner; `null` makes it nobody's.
    #[serde(default, with = "crate::patch")]
    #[schema(value_type = Option<i64>)]
    pub owner_id: Option<Option<UserId>>,
}

/// `GET /customers`: search and filters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// Name, company or number contains this text (case-insensitive).
    pub q: Option<String>,
    /// Only customers with this tag (exact).
    pub tag: Option<String>,
    /// Only customers of this owner (user id).
    pub owner_id: Option<i64>,
    /// Only the caller's own customers ("my customers").
    pub mine: Option<bool>,
    /// 1-based page number; defaults to 1.
    pub page: Option<u32>,
    /// Rows per page, 1–200; defaults to 20.
    pub page_size: Option<u32>,
}

/// `GET /customers/export`: the list's filters (paging is ignored: every matching customer is
/// exported) and the file's format.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CustomerExportQuery {
    /// `csv` (the default) or `xlsx`.
    #[serde(default)]
    pub format: crate::calls::ExportFormat,
    /// Name, company or number contains this text (case-insensitive).
    pub q: Option<String>,
    /// Only customers with this tag (exact).
    pub tag: Option<String>,
    /// Only customers of this owner (user id).
    pub owner_id: Option<i64>,
    /// Only the caller's own customers ("my customers").
    pub mine: Option<bool>,
}

impl CustomerExportQuery {
    /// The list query this export runs, one page of `page_size` at a time from `page`.
    pub fn list_query(&self, page: u32, page_size: u32) -> CustomerQuery {
        CustomerQuery {
            q: self.q.clone(),
            tag: self.tag.clone(),
            owner_id: self.owner_id,
            mine: self.mine,
            page: Some(page),
            page_size: Some(page_size),
        }
    }
}

/// A follow-up record (跟进记录): what an agent noted about a customer, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FollowUp {
    /// Id.
    pub id: i64,
    /// The customer.
    pub customer_id: CustomerId,
    /// Who wrote it.
    pub author_id: Option<UserId>,
    /// The author's name, while the user exists.
    pub author_name: Option<String>,
    /// The note.
    pub body: String,
    /// Unix ms.
    pub created_at: i64,
}

/// `POST /customers/{id}/follow-ups`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFollowUp {
    /// The note, 1–2000 characters.
    pub body: String,
}

/// What kind of event a timeline entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    /// A call from or to one of the customer's numbers (`call`).
    Call,
    /// A follow-up record (`follow_up`).
    FollowUp,
    /// A scheduled callback (`callback`), at its due time.
    Callback,
}

/// One entry of a customer's timeline (客户轨迹); exactly the field its `kind` names is set.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TimelineEntry {
    /// What it is.
    pub kind: TimelineKind,
    /// When (unix ms): the call's start, the note's time, the callback's due time.
    pub at: i64,
    /// The call, for `call`.
    pub call: Option<CallRecord>,
    /// The note, for `follow_up`.
    pub follow_up: Option<FollowUp>,
    /// The callback, for `callback`.
    pub callback: Option<Callback>,
}

/// `GET /customers/{id}/timeline`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TimelineQuery {
    /// At most this many entries, newest first (1–500, default 100).
    pub limit: Option<u32>,
}

/// `GET /customers/lookup?number=`: who a number belongs to, for the call pops.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LookupQuery {
    /// The number as the call shows it (any written form: `+86…`, `0086…`, national).
    pub number: String,
}

/// The customer a number belongs to, as the pops show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CustomerLookup {
    /// The customer, or `null` when the number is nobody's.
    pub customer: Option<CustomerBrief>,
    /// Their latest follow-up record.
    pub last_follow_up: Option<FollowUp>,
}

/// A customer in a pop: enough to greet them and open the profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CustomerBrief {
    /// Id.
    pub id: CustomerId,
    /// Name.
    pub name: String,
    /// Company.
    pub company: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// The owner agent's name.
    pub owner_name: Option<String>,
    /// Whether the user's data scope lets them open the profile (the pop names every customer
    /// of the enterprise, so nobody adds a known caller twice).
    pub visible: bool,
}

/// A callback's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallbackState {
    /// To do (待完成): not called yet and its due day has not ended.
    Pending,
    /// Done (已完成): a call to the number connected, or the agent marked it.
    Done,
    /// Expired (过期未回呼): its due day ended (in the enterprise's time zone) without a call.
    Expired,
}

/// A scheduled callback (预约回呼).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Callback {
    /// Id.
    pub id: CallbackId,
    /// The customer, when the number is one's.
    pub customer_id: Option<CustomerId>,
    /// The customer's name.
    pub customer_name: Option<String>,
    /// The number to call.
    pub number: String,
    /// The agent who is to call.
    pub agent_id: UserId,
    /// The agent's name.
    pub agent_name: Option<String>,
    /// When to call (unix ms).
    pub due_at: i64,
    /// What it is about.
    pub remark: Option<String>,
    /// State.
    pub state: CallbackState,
    /// When it was done (unix ms).
    pub done_at: Option<i64>,
    /// The call that did it (its record), when a call did.
    pub call_id: Option<CallId>,
    /// Unix ms.
    pub created_at: i64,
}

/// `POST /callbacks`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCallback {
    /// The number to call.
    pub number: String,
    /// When (unix ms); not more than a day in the past, not more than a year ahead.
    pub due_at: i64,
    /// What it is about, up to 500 characters.
    #[serde(default)]
    pub remark: Option<String>,
    /// The customer; defaults to whoever the number belongs to.
    #[serde(default)]
    pub customer_id: Option<CustomerId>,
    /// The agent to call back; defaults to the user. Another agent needs a data scope wider than
    /// `self`.
    #[serde(default)]
    pub agent_id: Option<UserId>,
}

/// `PATCH /callbacks/{id}`: reschedule or change the remark.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallbackUpdate {
    /// The new due time (unix ms); an expired callback moved to today or later is pending again.
    pub due_at: Option<i64>,
    /// New remark; `null` clears it.
    #[serde(default, with = "crate::patch")]
    #[schema(value_type = Option<String>)]
    pub remark: Option<Option<String>>,
}

/// `GET /callbacks`: filters and paging.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    /// Only callbacks due at or after this time (unix ms).
    pub from: Option<i64>,
    /// Only callbacks due before this time (unix ms).
    pub to: Option<i64>,
    /// Only this agent's callbacks (user id).
    pub agent_id: Option<i64>,
    /// Only callbacks in this state.
    pub state: Option<CallbackState>,
    /// The customer's name or the number contains this text.
    pub q: Option<String>,
    /// 1-based page number; defaults to 1.
    pub page: Option<u32>,
    /// Rows per page, 1–200; defaults to 20.
    pub page_size: Option<u32>,
}

impl CallbackQuery {
    /// The paging part.
    pub fn page_query(&self) -> crate::PageQuery {
        crate::PageQuery {
            q: self.q.clone(),
            page: self.page,
            page_size: self.page_size,
        }
    }
}

impl CustomerQuery {
    /// The paging part.
    pub fn page_query(&self) -> crate::PageQuery {
        crate::PageQuery {
            q: self.q.clone(),
            page: self.page,
            page_size: self.page_size,
        }
    }
}

/// What `POST /customers/import` did (its progress went to the user's events socket as
/// `customer_import`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportReport {
    /// Customers added.
    pub created: u32,
    /// The rows refused and why.
    pub errors: Vec<ImportRowError>,
}

/// One refused row of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImportRowError {
    /// The row (1 = the first row after the titles).
    pub row: usize,
    /// Why it was refused.
    pub message: String,
}
