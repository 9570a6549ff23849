package dev.easel.gateway.store;

import dev.easel.common.job.JobStatus;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A job row. JSON columns hold wire-format JSON ({@code JsonCodec}); {@code status} is written only through
 * {@code lifecycle.JobStateMachine}.
 */
@Entity
@Table(name = "jobs")
public class JobEntity extends PanacheEntityBase {

    @Id
    public UUID id;

    public String kind;

    public String model;

    public String status;

    /** The tenant that owns the job, its images and its result. */
    @Column(name = "tenant_id")
    public String tenantId;

    /** Who submitted it: an API key id or a single-sign-on subject. */
    public String owner;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    public String spec;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    public String metadata;

    @Column(name = "cache_outcome")
    public String cacheOutcome;

    /** The exact cache key the result is stored under; null when it is not to be stored. */
    @Column(name = "cache_key")
    public String cacheKey;

    @Column(name = "cache_any_seed_key")
    public String cacheAnySeedKey;

    /** Where similar prompts are compared (all but prompt and seed); null when the result is not to be stored. */
    @Column(name = "cache_scope_key")
    public String cacheScopeKey;

    /** The job whose result this one reuses (hit, similar) or waits for (coalesced). */
    @Column(name = "cache_source")
    public UUID cacheSource;

    /** Similar reuse: how close the reused result's prompt is to this job's (cosine, 1 for equal text). */
    @Column(name = "cache_similarity")
    public Double cacheSimilarity;

    public int attempts;

    @Column(name = "applied_attempt")
    public int appliedAttempt;

    @Column(name = "applied_seq")
    public long appliedSeq = -1;

    @Column(name = "idempotency_key")
    public String idempotencyKey;

    @Column(name = "request_hash")
    public String requestHash;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    public String result;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    public String error;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(columnDefinition = "jsonb")
    public String metrics;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "started_at")
    public Instant startedAt;

    @Column(name = "completed_at")
    public Instant completedAt;

    @Column(name = "start_deadline")
    public Instant startDeadline;

    @Column(name = "cancel_requested_at")
    public Instant cancelRequestedAt;

    public JobStatus jobStatus() {
        return JobStatus.fromWire(status).orElseThrow(() -> new IllegalStateException("job " + id + " has unknown status " + status));
    }
}
