//! A tenant handle never reads or changes another enterprise's rows.

#![allow(clippy::unwrap_used)]

mod common;

use model::PageQuery;
use model::account::{RoleUpdate, UserUpdate};
use model::org::{CustomStatusUpdate, MemberAssignment, SkillGroupUpdate};
use store::{Store, StoreError};

async fn rows_of_one_enterprise_are_invisible_to_another(store: &Store) {
    let (a, role_a) = common::enterprise(store, "alpha").await;
    let (b, role_b) = common::enterprise(store, "beta").await;
    let ta = store.tenant(a);
    let tb = store.tenant(b);

    let user = ta
        .create_user(&common::new_user("1001", role_a), 1)
        .await
        .unwrap();
    let group = ta.create_skill_group("Sales", None, 1).await.unwrap();
    let status = ta.create_custom_status("Break", None, 1).await.unwrap();

    // Reads.
    assert!(matches!(tb.user(user.id).await, Err(StoreError::NotFound)));
    assert!(matches!(tb.role(role_a).await, Err(StoreError::NotFound)));
    assert!(matches!(
        tb.skill_group(group.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        tb.custom_status(status.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(tb.credentials("1001").await.unwrap().is_none());
    let q = PageQuery::default();
    assert!(tb.users(&q).await.unwrap().items.is_empty());
    assert_eq!(tb.roles(&q).await.unwrap().total, 1, "only B's own role");
    assert!(tb.skill_groups(&q).await.unwrap().items.is_empty());
    assert!(tb.custom_statuses(&q).await.unwrap().items.is_empty());

    // Writes.
    assert!(matches!(
        tb.update_user(user.id, &UserUpdate::default()).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        tb.update_role(role_a, &RoleUpdate::default()).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        tb.update_skill_group(group.id, &SkillGroupUpdate::default())
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        tb.update_custom_status(status.id, &CustomStatusUpdate::default())
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        tb.delete_user(user.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        tb.delete_role(role_a).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        tb.delete_skill_group(group.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        tb.delete_custom_status(status.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        tb.set_password(user.id, "x").await,
        Err(StoreError::NotFound)
    ));

    // Cross-tenant references are refused by the schema.
    let group_b = tb.create_skill_group("Sales", None, 1).await.unwrap();
    let err = tb
        .set_skill_group_members(
            group_b.id,
            &[MemberAssignment {
                user_id: user.id,
                skill_level: 3,
            }],
        )
        .await;
    assert!(matches!(err, Err(StoreError::InvalidReference)), "{err:?}");
    let mut foreign_role = common::new_user("2001", role_a);
    foreign_role.work_id = "2001".into();
    let err = tb.create_user(&foreign_role, 1).await;
    assert!(matches!(err, Err(StoreError::InvalidReference)), "{err:?}");

    // A's rows are untouched.
    assert_eq!(ta.user(user.id).await.unwrap().name, "User 1001");
    let _ = role_b;
}

on_both_backends!(rows_of_one_enterprise_are_invisible_to_another);
