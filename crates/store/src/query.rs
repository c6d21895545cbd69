//! Statements built at run time (filters that come and go): values bound to numbered
//! placeholders, never spliced into the SQL.

/// A value bound to a placeholder of a statement built at run time.
pub(crate) enum Arg {
    /// An integer.
    Int(i64),
    /// Text.
    Text(String),
}

/// Binds `$args` to the query `$q` in order.
macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                $crate::query::Arg::Int(v) => q.bind(*v),
                $crate::query::Arg::Text(v) => q.bind(v.as_str()),
            };
        }
        q
    }};
}
pub(crate) use bind_all;

/// A `WHERE` clause: conditions joined by `AND`, each value bound to a numbered placeholder.
pub(crate) struct Where {
    /// The conditions, all of which hold.
    pub(crate) conds: Vec<String>,
    /// Values for `$1`, `$2`, …
    pub(crate) args: Vec<Arg>,
}

impl Where {
    /// No conditions yet.
    pub(crate) fn new() -> Where {
        Where {
            conds: Vec::new(),
            args: Vec::new(),
        }
    }

    /// Binds `a` and returns its placeholder.
    pub(crate) fn arg(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }

    /// ` WHERE …`.
    pub(crate) fn sql(&self) -> String {
        format!(" WHERE {}", self.conds.join(" AND "))
    }
}

/// Adds the condition that the user-id column `col` names a user whose rows `scope` lets the
/// signed-in user see: themselves (`self`), a member of one of their skill groups, someone of
/// their department, or anyone of the enterprise. `ent` is the enterprise's placeholder.
pub(crate) fn user_in_scope(w: &mut Where, col: &str, ent: &str, scope: crate::CallScope) {
    use crate::CallScope;
    match scope {
        CallScope::Enterprise => {}
        CallScope::Agent(me) => {
            let me = w.arg(Arg::Int(me.0));
            w.conds.push(format!("{col} = {me}"));
        }
        CallScope::SkillGroupsOf(me) => {
            let me = w.arg(Arg::Int(me.0));
            w.conds.push(format!(
                "({col} = {me} OR {col} IN (SELECT o.user_id FROM skill_group_members o WHERE o.enterprise_id = {ent} \
                 AND o.group_id IN (SELECT m.group_id FROM skill_group_members m WHERE m.enterprise_id = {ent} AND m.user_id = {me})))"
            ));
        }
        CallScope::DepartmentOf(me) => {
            let me = w.arg(Arg::Int(me.0));
            w.conds.push(format!(
                "({col} = {me} OR {col} IN (SELECT d.id FROM users d WHERE d.enterprise_id = {ent} \
                 AND d.department = (SELECT s.department FROM users s WHERE s.enterprise_id = {ent} AND s.id = {me})))"
            ));
        }
    }
}

/// `$a, $b, …` binding each of `values`.
pub(crate) fn list_of(w: &mut Where, values: impl IntoIterator<Item = Arg>) -> String {
    values
        .into_iter()
        .map(|v| w.arg(v))
        .collect::<Vec<_>>()
        .join(", ")
}
