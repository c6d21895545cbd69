//! Creating, searching, paging, updating and deleting users.

#![allow(clippy::unwrap_used)]

mod common;

use model::PageQuery;
use model::account::UserUpdate;
use model::org::MemberAssignment;
use store::{Store, StoreError};

async fn users_are_created_searched_paged_updated_and_deleted(store: &Store) {
    let (e, role) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    for n in 1001..=1025 {
        t.create_user(&common::new_user(&n.to_string(), role), 5)
            .await
            .unwrap();
    }
    let page = t
        .users(&PageQuery {
            q: None,
            page: Some(2),
            page_size: Some(10),
        })
        .await
        .unwrap();
    assert_eq!(page.total, 25);
    assert_eq!(page.items.len(), 10);
    assert_eq!(page.items[0].work_id, "1011", "ordered by work ID");

    let found = t
        .users(&PageQuery {
            q: Some("user 102".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(found.total, 6, "1020..=1025 match case-insensitively");
    let none = t
        .users(&PageQuery {
            q: Some("100%".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(none.total, 0, "% in the search text is literal");

    let dup = t.create_user(&common::new_user("1001", role), 5).await;
    assert!(
        matches!(dup, Err(StoreError::Duplicate("work_id"))),
        "{dup:?}"
    );

    let u = t.credentials("1003").await.unwrap().unwrap();
    let patched = t
        .update_user(
            u.user_id,
            &UserUpdate {
                name: Some("张三".into()),
                mobile: Some(Some("13800138000".into())),
                enabled: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(patched.name, "张三");
    assert_eq!(patched.mobile.as_deref(), Some("13800138000"));
    assert!(!patched.enabled);
    let cleared = t
        .update_user(
            u.user_id,
            &UserUpdate {
                mobile: Some(None),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(cleared.mobile, None, "null clears");
    assert_eq!(cleared.name, "张三", "absent fields stay");

    let g = t.create_skill_group("客服", None, 1).await.unwrap();
    t.set_skill_group_members(
        g.id,
        &[MemberAssignment {
            user_id: u.user_id,
            skill_level: 4,
        }],
    )
    .await
    .unwrap();
    assert_eq!(
        t.user(u.user_id).await.unwrap().skill_groups[0].skill_level,
        4
    );
    t.delete_user(u.user_id).await.unwrap();
    assert!(matches!(t.user(u.user_id).await, Err(StoreError::NotFound)));
    assert!(
        t.skill_group(g.id).await.unwrap().members.is_empty(),
        "membership went with the user"
    );
}

async fn a_role_held_by_users_cannot_be_deleted(store: &Store) {
    let (e, role) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let u = t
        .create_user(&common::new_user("1001", role), 5)
        .await
        .unwrap();
    assert_eq!(t.role(role).await.unwrap().user_count, 1);
    assert!(matches!(t.delete_role(role).await, Err(StoreError::InUse)));
    t.delete_user(u.id).await.unwrap();
    t.delete_role(role).await.unwrap();
}

async fn skill_levels_outside_one_to_five_are_refused(store: &Store) {
    let (e, role) = common::enterprise(store, "acme").await;
    let t = store.tenant(e);
    let u = t
        .create_user(&common::new_user("1001", role), 5)
        .await
        .unwrap();
    let g = t.create_skill_group("Sales", None, 1).await.unwrap();
    let err = t
        .set_skill_group_members(
            g.id,
            &[MemberAssignment {
                user_id: u.id,
                skill_level: 6,
            }],
        )
        .await;
    assert!(err.is_err());
    assert!(
        t.skill_group(g.id).await.unwrap().members.is_empty(),
        "the failed change rolled back"
    );
}

on_both_backends!(
    users_are_created_searched_paged_updated_and_deleted,
    a_role_held_by_users_cannot_be_deleted,
    skill_levels_outside_one_to_five_are_refused,
);
