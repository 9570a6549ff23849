package dev.easel.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.validation.InvalidRequestException;
import dev.easel.gateway.identity.Caller;
import dev.easel.gateway.identity.Role;
import dev.easel.gateway.store.JobEntity;
import dev.easel.gateway.upload.TestImages;
import dev.easel.testsupport.TestKeys;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@link JobAdmission#submit} called as the REST layer calls it, against the real stores: every kind of submission
 * goes through the one asynchronous path, failures arrive through the stage and not as exceptions of the call,
 * and only jobs a request created are counted.
 */
@QuarkusTest
class JobAdmissionIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Caller CALLER = new Caller(TestKeys.OPERATOR_TENANT, TestKeys.OPERATOR_TENANT, "test",
            Role.MEMBER, null);

    @Inject
    JobAdmission admission;

    @Inject
    MeterRegistry registry;

    @Test
    void aPlainJobIsStoredQueuedWithItsRowAndCounted() {
        double before = submitted();
        JobEntity job = submit("{\"prompt\": \"admitted " + UUID.randomUUID() + "\"}", null);

        assertThat(job.jobStatus().wireName()).isEqualTo("queued");
        assertThat(job.cacheOutcome).isEqualTo("miss");
        JobEntity row = QuarkusTransaction.requiringNew().call(() -> JobEntity.<JobEntity>findById(job.id));
        assertThat(row).isNotNull();
        assertThat(row.spec).contains("admitted");
        assertThat(submitted()).isEqualTo(before + 1);
    }

    @Test
    void anInlineImageIsStagedBeforeTheRowIsWritten() {
        JobEntity job = submit("{\"kind\": \"image-to-image\", \"prompt\": \"staged " + UUID.randomUUID()
                + "\", \"image\": \"" + TestImages.pngDataUrl(16, 16) + "\"}", null);
        assertThat(job.spec).contains("\"image\":\"upload:").doesNotContain("data:image");
    }

    @Test
    void aReplayedKeyAnswersWithItsJobAndCountsNothing() {
        String key = "admission-" + UUID.randomUUID();
        String body = "{\"prompt\": \"replayed " + key + "\"}";
        JobEntity first = submit(body, key);
        double before = submitted();

        JobEntity again = submit(body, key);

        assertThat(again.id).isEqualTo(first.id);
        assertThat(submitted()).isEqualTo(before);
    }

    @Test
    void anInvalidRequestFailsTheStageNotTheCall() {
        var stage = admission.submit(json("{\"prompt\": \"\", \"steps\": 0}"), new SubmitHeaders(null, null, null),
                CALLER, null);
        assertThatThrownBy(() -> stage.await().atMost(WAIT)).isInstanceOf(InvalidRequestException.class);
    }

    private JobEntity submit(String body, String idempotencyKey) {
        return admission.submit(json(body), new SubmitHeaders(idempotencyKey, null, null), CALLER, null).await().atMost(WAIT);
    }

    private double submitted() {
        return registry.counter("easel_jobs_submitted").count();
    }

    private static JsonNode json(String text) {
        try {
            return JsonCodec.mapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
