package dev.easel.worker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scale-in removes idle workers first: the pod's deletion cost follows its busy slots. */
class PodDeletionCostTest {

    private static final String BODY = "{\"metadata\":{\"annotations\":{\"controller.kubernetes.io/pod-deletion-cost\":\"%d\"}}}";

    @TempDir
    Path serviceAccount;
    private final AtomicInteger busy = new AtomicInteger();

    @BeforeEach
    void token() throws Exception {
        Files.writeString(serviceAccount.resolve("token"), "token");
    }

    private PodDeletionCost cost(FakeApiServer api) throws Exception {
        return new PodDeletionCost(PodPatcher.forPod(api.uri(), serviceAccount, "easel", "worker-0"), busy::get);
    }

    @Test
    void anIdleWorkerCostsNothingAndABusyOneItsBusySlots() throws Exception {
        try (FakeApiServer api = FakeApiServer.http()) {
            PodDeletionCost cost = cost(api);
            cost.sync();
            busy.set(2);
            cost.sync();

            assertThat(api.requests()).extracting(FakeApiServer.Request::body)
                    .containsExactly(BODY.formatted(0), BODY.formatted(2));
        }
    }

    @Test
    void writesOnlyWhenTheBusySlotsChanged() throws Exception {
        try (FakeApiServer api = FakeApiServer.http()) {
            PodDeletionCost cost = cost(api);
            busy.set(1);
            cost.sync();
            cost.sync();
            cost.sync();
            busy.set(0);
            cost.sync();
            cost.sync();

            assertThat(api.requests()).extracting(FakeApiServer.Request::body)
                    .containsExactly(BODY.formatted(1), BODY.formatted(0));
        }
    }

    @Test
    void aFailedWriteIsTriedAgainOnTheNextSync() throws Exception {
        try (FakeApiServer api = FakeApiServer.http()) {
            api.answer(403, 500);
            PodDeletionCost cost = cost(api);
            busy.set(1);
            cost.sync();
            cost.sync();
            cost.sync();
            cost.sync();

            assertThat(api.requests()).extracting(FakeApiServer.Request::body)
                    .containsExactly(BODY.formatted(1), BODY.formatted(1), BODY.formatted(1));
        }
    }
}
