package dev.easel.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.easel.common.cache.CacheOutcome;
import dev.easel.common.event.JobRequested;
import dev.easel.common.json.JsonCodec;
import dev.easel.common.queue.Topics;
import dev.easel.common.trace.TraceParent;
import dev.easel.gateway.store.JobEntity;
import dev.easel.gateway.store.OutboxRecord;
import dev.easel.platform.kafka.TopicsConfig;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.Test;

class QueueRecordsTest {

    private static final TopicsConfig TOPICS = new TopicsConfig() {
        public String jobs() {
            return "easel.jobs.test";
        }

        public String jobEvents() {
            return "easel.job-events.test";
        }

        public String deadLetters() {
            return "easel.jobs.dlq.test";
        }

        public String workerGroup() {
            return "workers";
        }

        public String gatewayGroup() {
            return "gateways";
        }
    };

    // Without the cache, no similar-index place is asked of the result cache.
    private final QueueRecords records = new QueueRecords(TOPICS, OpenTelemetry.noop(), null);

    @Test
    void theRecordCarriesTheJobKeyedByItsIdOnTheJobsTopic() {
        Submission submission = Requests.submission("{\"prompt\": \"a blue square\", \"seed\": 9}", false, null, null);
        JobEntity job = submission.newJob(CacheOutcome.BYPASS);

        OutboxRecord record = records.of(submission, job);

        assertThat(record.topic()).isEqualTo("easel.jobs.test");
        assertThat(record.key()).isEqualTo(job.id.toString());
        assertThat(record.jobId()).isEqualTo(job.id);
        JobRequested message = JsonCodec.decode(record.payload(), JobRequested.class);
        assertThat(message.jobId()).isEqualTo(job.id.toString());
        assertThat(message.spec()).isEqualTo(submission.spec());
        assertThat(message.submittedAt()).isEqualTo(job.createdAt);
        assertThat(message.similar()).isNull();
        assertThat(record.headers()).containsEntry(Topics.SCHEMA_HEADER, Integer.toString(JobRequested.SCHEMA_VERSION));
    }

    @Test
    void withoutATracingSdkTheClientsTraceIsCarriedOnOrANewOneStarted() {
        String client = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        Submission traced = Requests.submission("{\"prompt\": \"a\"}", false, null, client);
        assertThat(records.of(traced, traced.newJob(CacheOutcome.BYPASS)).headers()).containsEntry(TraceParent.HEADER, client);

        Submission untraced = Requests.submission("{\"prompt\": \"a\"}", false, null, null);
        String started = records.of(untraced, untraced.newJob(CacheOutcome.BYPASS)).headers().get(TraceParent.HEADER);
        assertThat(TraceParent.parse(started)).isPresent();
    }
}
