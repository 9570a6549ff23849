package dev.easel.gateway.store;

import dev.easel.gateway.audit.Call;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The statement that stores new job rows together with the outbox records of the rows it inserted, and the call
 * log entries of the calls that submitted them ({@link Call#entryWithJob}): one statement,
 * so one round trip and atomic without an explicit transaction (a JDBC statement batch in auto-commit is not:
 * pgjdbc syncs long batches part way). A row whose {@code Idempotency-Key} is taken is skipped ({@code ON CONFLICT
 * DO NOTHING}) and gets no record and no entry; the statement returns the ids it inserted. Two forms, written from one column
 * list: a lone row binds its values; a batch binds one array per column, which {@code unnest} turns back into
 * rows (pgjdbc allocates kilobytes per array, too much for the one-row case, which an idle gateway writes on the
 * request's own thread).
 */
final class JobInsert {

    /** A column of {@code jobs}, the SQL type it holds and how its value is read from the entity. */
    private record Column(String name, String type, Function<JobEntity, Object> value) {

        /** jsonb travels as text and is cast where it is inserted. */
        String wireType() {
            return type.equals("jsonb") ? "text" : type;
        }
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("id", "uuid", job -> job.id),
            new Column("kind", "text", job -> job.kind),
            new Column("model", "text", job -> job.model),
            new Column("status", "text", job -> job.status),
            new Column("tenant_id", "text", job -> job.tenantId),
            new Column("owner", "text", job -> job.owner),
            new Column("spec", "jsonb", job -> job.spec),
            new Column("metadata", "jsonb", job -> job.metadata),
            new Column("cache_outcome", "text", job -> job.cacheOutcome),
            new Column("cache_key", "text", job -> job.cacheKey),
            new Column("cache_any_seed_key", "text", job -> job.cacheAnySeedKey),
            new Column("cache_scope_key", "text", job -> job.cacheScopeKey),
            new Column("cache_source", "uuid", job -> job.cacheSource),
            new Column("cache_similarity", "float8", job -> job.cacheSimilarity),
            new Column("attempts", "int4", job -> job.attempts),
            new Column("applied_attempt", "int4", job -> job.appliedAttempt),
            new Column("applied_seq", "int8", job -> job.appliedSeq),
            new Column("idempotency_key", "text", job -> job.idempotencyKey),
            new Column("request_hash", "text", job -> job.requestHash),
            new Column("result", "jsonb", job -> job.result),
            new Column("error", "jsonb", job -> job.error),
            new Column("metrics", "jsonb", job -> job.metrics),
            new Column("created_at", "timestamptz", job -> text(job.createdAt)),
            new Column("started_at", "timestamptz", job -> text(job.startedAt)),
            new Column("completed_at", "timestamptz", job -> text(job.completedAt)),
            new Column("start_deadline", "timestamptz", job -> text(job.startDeadline)),
            new Column("cancel_requested_at", "timestamptz", job -> text(job.cancelRequestedAt)));

    private static final String NAMES = COLUMNS.stream().map(Column::name).collect(Collectors.joining(", "));
    private static final String OUTBOX_COLUMNS = "job_id, topic, record_key, payload, headers";
    private static final String CONFLICT = "ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING";

    private static final String ONE = """
            WITH inserted AS (
                INSERT INTO jobs (%s)
                VALUES (%s)
                %s
                RETURNING id
            ), queued AS (
                INSERT INTO job_outbox (%s)
                SELECT id, CAST(? AS text), CAST(? AS text), CAST(? AS bytea), CAST(? AS jsonb)
                FROM inserted WHERE CAST(? AS boolean)
            ), logged AS (
                INSERT INTO call_log_inbox (entry)
                SELECT CAST(? AS text) FROM inserted WHERE CAST(? AS boolean)
            )
            SELECT id FROM inserted""".formatted(NAMES,
            COLUMNS.stream().map(c -> "CAST(? AS " + c.type() + ")").collect(Collectors.joining(", ")), CONFLICT,
            OUTBOX_COLUMNS);

    private static final String MANY = """
            WITH input AS (
                SELECT * FROM unnest(%s) WITH ORDINALITY AS r(%s, position)
            ), inserted AS (
                INSERT INTO jobs (%s)
                SELECT %s FROM input ORDER BY position
                %s
                RETURNING id
            ), queued AS (
                INSERT INTO job_outbox (%s)
                SELECT o.job_id, o.topic, o.record_key, o.payload, CAST(o.headers AS jsonb)
                FROM unnest(CAST(? AS uuid[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bytea[]), CAST(? AS text[]))
                    AS o(%s)
                JOIN inserted ON inserted.id = o.job_id
            ), logged AS (
                INSERT INTO call_log_inbox (entry)
                SELECT l.entry FROM unnest(CAST(? AS uuid[]), CAST(? AS text[])) AS l(job_id, entry)
                JOIN inserted ON inserted.id = l.job_id
            )
            SELECT id FROM inserted""".formatted(
            COLUMNS.stream().map(c -> "CAST(? AS " + c.wireType() + "[])").collect(Collectors.joining(", ")), NAMES,
            NAMES,
            COLUMNS.stream().map(c -> c.type().equals(c.wireType()) ? c.name() : "CAST(" + c.name() + " AS " + c.type() + ")")
                    .collect(Collectors.joining(", ")),
            CONFLICT, OUTBOX_COLUMNS, OUTBOX_COLUMNS);

    private JobInsert() {
    }

    /**
     * The statement for these rows, bound; executing it returns the ids of the rows inserted.
     *
     * @param records each job's outbox record, or null for a job that needs none (a cache hit)
     * @param calls each job's submitting call, or null where the call log is off
     */
    static PreparedStatement prepare(Connection connection, List<JobEntity> jobs, List<OutboxRecord> records,
                                     List<Call> calls) throws SQLException {
        PreparedStatement insert = connection.prepareStatement(jobs.size() == 1 ? ONE : MANY);
        try {
            if (jobs.size() == 1) {
                bindOne(insert, jobs.getFirst(), records.getFirst(), calls.getFirst());
            } else {
                bindMany(connection, insert, jobs, records, calls);
            }
            return insert;
        } catch (SQLException | RuntimeException e) {
            insert.close();
            throw e;
        }
    }

    private static void bindOne(PreparedStatement insert, JobEntity job, OutboxRecord record, Call call)
            throws SQLException {
        int i = 0;
        for (Column column : COLUMNS) {
            insert.setObject(++i, column.value().apply(job));
        }
        insert.setString(++i, record == null ? null : record.topic());
        insert.setString(++i, record == null ? null : record.key());
        if (record == null) {
            insert.setNull(++i, Types.BINARY);
        } else {
            insert.setBytes(++i, record.payload());
        }
        insert.setString(++i, record == null ? null : Outbox.headersJson(record.headers()));
        insert.setBoolean(++i, record != null);
        insert.setString(++i, call == null ? null : call.entryWithJob(job.id, acceptedStatus(job)));
        insert.setBoolean(++i, call != null);
    }

    /** What the submit of a stored job answers: 200 with a result already there (a cache hit), else 202. */
    private static int acceptedStatus(JobEntity job) {
        return job.jobStatus().isTerminal() ? 200 : 202;
    }

    private static void bindMany(Connection connection, PreparedStatement insert, List<JobEntity> jobs,
                                 List<OutboxRecord> records, List<Call> calls) throws SQLException {
        int i = 0;
        for (Column column : COLUMNS) {
            Object[] values = new Object[jobs.size()];
            for (int row = 0; row < values.length; row++) {
                values[row] = column.value().apply(jobs.get(row));
            }
            insert.setArray(++i, connection.createArrayOf(column.wireType(), values));
        }
        List<OutboxRecord> present = new ArrayList<>(records.size());
        for (OutboxRecord record : records) {
            if (record != null) {
                present.add(record);
            }
        }
        insert.setArray(++i, connection.createArrayOf("uuid", present.stream().map(OutboxRecord::jobId).toArray()));
        insert.setArray(++i, connection.createArrayOf("text", present.stream().map(OutboxRecord::topic).toArray()));
        insert.setArray(++i, connection.createArrayOf("text", present.stream().map(OutboxRecord::key).toArray()));
        insert.setArray(++i, connection.createArrayOf("bytea", present.stream().map(OutboxRecord::payload)
                .toArray(byte[][]::new)));
        insert.setArray(++i, connection.createArrayOf("text", present.stream()
                .map(r -> Outbox.headersJson(r.headers())).toArray()));
        List<Object> callJobs = new ArrayList<>();
        List<Object> entries = new ArrayList<>();
        for (int row = 0; row < jobs.size(); row++) {
            Call call = calls.get(row);
            if (call != null) {
                callJobs.add(jobs.get(row).id);
                entries.add(call.entryWithJob(jobs.get(row).id, acceptedStatus(jobs.get(row))));
            }
        }
        insert.setArray(++i, connection.createArrayOf("uuid", callJobs.toArray()));
        insert.setArray(++i, connection.createArrayOf("text", entries.toArray()));
    }

    /** ISO-8601, which PostgreSQL reads as a timestamptz. */
    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
