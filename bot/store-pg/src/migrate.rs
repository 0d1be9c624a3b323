//! Versioned schema migrations, run at start by every replica.
//!
//! All of them run in one transaction that first takes a transaction-level
//! advisory lock: replicas starting together migrate one after another, the
//! first does the work and the others find the schema up to date. A
//! migration is only ever added at the end and never changed once released
//! (each released text is pinned by `released_migrations_never_change`);
//! each is additive, so a replica of the previous release keeps working
//! during a rolling update. A database migrated by a newer release (a
//! version above [`SCHEMA_VERSION`]) is used as it is, with a warning.

use vmd_runtime::store::StoreError;

/// The advisory lock key of the migrations ("vmdmigr" in ASCII).
const MIGRATION_LOCK: i64 = 0x0076_6d64_6d69_6772;

/// The SQL of a per-user cap shared by the replicas (migrations 3 and 4):
/// a table `$table` of leased rows, one per thing in flight, and the
/// function `$take` adding one under the per-user advisory lock of class
/// `$lock` only below the cap, the user's expired rows (a dead replica's)
/// dropped first; it returns the row's id, NULL at the cap. The text is
/// the released one to the byte (`released_migrations_never_change`).
macro_rules! leased_slots {
    ($table:literal, $take:literal, $lock:literal) => {
        concat!(
            "CREATE TABLE ",
            $table,
            " (
        id bigserial PRIMARY KEY,
        usr text NOT NULL,
        owner text NOT NULL,
        expires_at timestamptz NOT NULL
    );
    CREATE INDEX ",
            $table,
            "_usr ON ",
            $table,
            " (usr);
    CREATE FUNCTION ",
            $take,
            "(u text, cap integer, lease_ms bigint, who text)
    RETURNS bigint
    LANGUAGE plpgsql AS $$
    DECLARE
        n integer;
        got bigint;
    BEGIN
        PERFORM pg_advisory_xact_lock(",
            $lock,
            ", hashtext(u));
        DELETE FROM ",
            $table,
            " WHERE usr = u AND expires_at < clock_timestamp();
        SELECT count(*) INTO n FROM ",
            $table,
            " WHERE usr = u;
        IF n >= cap THEN
            RETURN NULL;
        END IF;
        INSERT INTO ",
            $table,
            " (usr, owner, expires_at)
            VALUES (u, who, clock_timestamp() + lease_ms * interval '1 millisecond')
            RETURNING id INTO got;
        RETURN got;
    END
    $$;"
        )
    };
}

/// The migrations in order: (version, SQL).
const MIGRATIONS: &[(i32, &str)] = &[
    (
        1,
        "CREATE TABLE vmd_sessions (
        platform text NOT NULL,
        conversation text NOT NULL,
        usr text NOT NULL,
        record bytea NOT NULL,
        v integer NOT NULL,
        updated_ms bigint NOT NULL,
        waiting boolean NOT NULL,
        PRIMARY KEY (platform, conversation, usr)
    );
    CREATE INDEX vmd_sessions_updated ON vmd_sessions (updated_ms);
    CREATE INDEX vmd_sessions_waiting ON vmd_sessions (waiting) WHERE waiting;
    CREATE TABLE vmd_quarantine (
        id bigserial PRIMARY KEY,
        platform text NOT NULL,
        conversation text NOT NULL,
        usr text NOT NULL,
        record bytea NOT NULL,
        moved_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE vmd_prefs (
        platform text NOT NULL,
        usr text NOT NULL,
        lang text NOT NULL,
        set_ms bigint NOT NULL,
        PRIMARY KEY (platform, usr)
    );
    CREATE TABLE vmd_turn_leases (
        platform text NOT NULL,
        conversation text NOT NULL,
        usr text NOT NULL,
        owner text NOT NULL,
        token bigint NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (platform, conversation, usr)
    );
    CREATE TABLE vmd_events (
        platform text NOT NULL,
        event text NOT NULL,
        seen_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (platform, event)
    );
    CREATE INDEX vmd_events_seen ON vmd_events (seen_at);
    CREATE TABLE vmd_outcomes (
        id bigserial PRIMARY KEY,
        conversation text NOT NULL,
        ended_ms bigint NOT NULL,
        line text NOT NULL
    );
    CREATE INDEX vmd_outcomes_ended ON vmd_outcomes (ended_ms);",
    ),
    (
        2,
        // Probe budgets and start limits shared by every replica: one GCRA
        // arrival time (microseconds of the database's clock) per bucket.
        // `vmd_take` asks every bucket of a request and spends one token of
        // each only when all have one, in one statement; rows are locked in
        // key order, so two requests never deadlock.
        "CREATE TABLE vmd_budgets (
        key text PRIMARY KEY,
        tat_us bigint NOT NULL
    );
    CREATE INDEX vmd_budgets_tat ON vmd_budgets (tat_us);
    CREATE FUNCTION vmd_take(keys text[], intervals bigint[], tolerances bigint[],
                             OUT refused integer, OUT wait_us bigint)
    LANGUAGE plpgsql AS $$
    DECLARE
        now_us bigint := (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
        tats bigint[] := '{}';
        t bigint;
        i integer;
    BEGIN
        refused := 0;
        wait_us := 0;
        INSERT INTO vmd_budgets (key, tat_us)
            SELECT DISTINCT k, 0 FROM unnest(keys) AS k ORDER BY 1
            ON CONFLICT (key) DO NOTHING;
        PERFORM 1 FROM vmd_budgets WHERE key = ANY(keys) ORDER BY key FOR UPDATE;
        FOR i IN 1 .. coalesce(array_length(keys, 1), 0) LOOP
            SELECT greatest(b.tat_us, now_us) INTO t FROM vmd_budgets b WHERE b.key = keys[i];
            t := coalesce(t, now_us);
            IF t - now_us > tolerances[i] THEN
                refused := i;
                wait_us := t - now_us - tolerances[i];
                RETURN;
            END IF;
        END LOOP;
        FOR i IN 1 .. coalesce(array_length(keys, 1), 0) LOOP
            INSERT INTO vmd_budgets AS b (key, tat_us) VALUES (keys[i], now_us + intervals[i])
                ON CONFLICT (key) DO UPDATE SET tat_us = greatest(b.tat_us, now_us) + intervals[i];
        END LOOP;
    END
    $$;",
    ),
    (
        3,
        // Each user's running probes over every replica: a row per probe
        // with a lease, renewed while it runs. `vmd_run_slot` counts the
        // user's unexpired rows under a per-user transaction advisory lock
        // (so two replicas can't both take the last slot) and adds one only
        // below the cap; expired rows (a dead replica's) are dropped first.
        leased_slots!("vmd_running", "vmd_run_slot", 1986884210),
    ),
    (
        4,
        // Each user's host-name lookups in flight over every replica, as
        // `vmd_running` does for probes: a leased row per lookup, taken by
        // `vmd_lookup_slot` under a per-user advisory lock (its own lock
        // class) only below the cap, expired rows dropped first.
        leased_slots!("vmd_lookups", "vmd_lookup_slot", 1986884211),
    ),
];

/// The schema version this build migrates to.
pub const SCHEMA_VERSION: i32 = MIGRATIONS[MIGRATIONS.len() - 1].0;

fn err(what: &str, e: tokio_postgres::Error) -> StoreError {
    match super::pg_err(e) {
        StoreError::Backend(m) => StoreError::Backend(format!("{what}: {m}")),
        other => other,
    }
}

/// Brings the schema to [`SCHEMA_VERSION`]; returns the version found.
/// `schema` (checked by the caller: a plain identifier) is created first
/// when it is missing, under the same lock.
pub(crate) async fn run(
    c: &mut deadpool_postgres::Object,
    schema: Option<&str>,
) -> Result<i32, StoreError> {
    let tx = c
        .transaction()
        .await
        .map_err(|e| err("starting the migration", e))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await
        .map_err(|e| err("taking the migration lock", e))?;
    if let Some(schema) = schema {
        tx.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
            .await
            .map_err(|e| err("creating the schema", e))?;
    }
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS vmd_schema (
            version integer PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        )",
    )
    .await
    .map_err(|e| err("creating the schema table", e))?;
    let found: i32 = tx
        .query_one("SELECT coalesce(max(version), 0) FROM vmd_schema", &[])
        .await
        .map_err(|e| err("reading the schema version", e))?
        .get(0);
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > found) {
        tx.batch_execute(sql)
            .await
            .map_err(|e| err(&format!("schema migration {version}"), e))?;
        tx.execute("INSERT INTO vmd_schema (version) VALUES ($1)", &[version])
            .await
            .map_err(|e| err("recording the schema version", e))?;
        tracing::info!(version, "schema migration applied");
    }
    tx.commit()
        .await
        .map_err(|e| err("committing the migration", e))?;
    if found > SCHEMA_VERSION {
        tracing::warn!(
            found,
            known = SCHEMA_VERSION,
            "the database schema is newer than this build (a newer release migrated it); using it as it is"
        );
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::MIGRATIONS;

    /// FNV-1a, 64 bits: enough to see a byte change.
    fn fnv1a(text: &str) -> u64 {
        text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    }

    /// A database records only the version it applied, so a released
    /// migration whose text changed would leave databases that ran the old
    /// text and databases that run the new one: each released text is
    /// pinned here (its length and hash). A new migration adds a row.
    #[test]
    fn released_migrations_never_change() {
        let released: &[(i32, usize, u64)] = &[
            (1, 1667, 0x2e12_bd10_e3f1_fb5e),
            (2, 1467, 0xde0a_13dd_1ee2_e734),
            (3, 894, 0x53b8_472c_6f31_2451),
            (4, 897, 0xb41d_efae_417a_8785),
        ];
        let now: Vec<(i32, usize, u64)> = MIGRATIONS
            .iter()
            .map(|(v, sql)| (*v, sql.len(), fnv1a(sql)))
            .collect();
        assert_eq!(now, released);
    }
}
