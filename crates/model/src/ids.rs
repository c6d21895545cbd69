//! Typed ids: a user id can never be passed where a role id is expected.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
        )]
        #[serde(transparent)]
        #[schema(value_type = i64)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// An enterprise (tenant): every row of data belongs to exactly one.
    EnterpriseId
);
id_type!(
    /// A user of one enterprise: an agent, a supervisor or an administrator.
    UserId
);
id_type!(
    /// A role: a named set of permissions with a data scope.
    RoleId
);
id_type!(
    /// A skill group (技能组): agents with skill levels, the unit calls queue for.
    SkillGroupId
);
id_type!(
    /// An admin-defined agent status such as 会议中 or 小休.
    CustomStatusId
);
id_type!(
    /// A login session; revoking it logs that browser or token out.
    SessionId
);
id_type!(
    /// A SIP trunk to a carrier.
    TrunkId
);
id_type!(
    /// An enterprise number (码号).
    NumberId
);
id_type!(
    /// A call record.
    CallId
);
id_type!(
    /// An uploaded IVR prompt (语音文件).
    PromptId
);
id_type!(
    /// A customer (客户) of an enterprise.
    CustomerId
);
id_type!(
    /// A scheduled callback (预约回呼).
    CallbackId
);
