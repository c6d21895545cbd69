//! Patchbay's shared vocabulary.
//!
//! Everything here is plain data: typed ids, the permission and data-scope enums of SPEC §1, the
//! request and response bodies of the HTTP API (their OpenAPI schemas come from these types, and the
//! web app's TypeScript types are generated from that document), and the events pushed to browsers.

pub mod account;
pub mod calls;
pub mod campaigns;
pub mod customers;
pub mod error;
pub mod event;
pub mod ids;
pub mod org;
pub mod page;
mod patch;
pub mod permission;
pub mod platform;
pub mod presence;
pub mod prompts;
pub mod telephony;

pub use error::{ErrorBody, ErrorDetail};
pub use event::{ClientMessage, Event};
pub use ids::{
    CallId, CallbackId, CustomStatusId, CustomerId, EnterpriseId, NumberId, PromptId, RoleId,
    SessionId, SkillGroupId, TrunkId, UserId,
};
pub use page::{Page, PageQuery};
pub use permission::{DataScope, Permission};
