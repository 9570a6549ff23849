package dev.easel.worker.cluster;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** How this worker talks to the Kubernetes API about its own pod; everything here is off outside a cluster. */
@ConfigMapping(prefix = "easel.cluster")
public interface ClusterConfig {

    /** The {@code controller.kubernetes.io/pod-deletion-cost} annotation this worker keeps on its pod. */
    DeletionCost deletionCost();

    /** This pod's name (the chart passes {@code metadata.name} through the downward API); required when a feature here is on. */
    Optional<String> podName();

    /** This pod's namespace; default: the {@code namespace} file of the service account. */
    Optional<String> namespace();

    /** The Kubernetes API server. */
    @WithDefault("https://kubernetes.default.svc")
    URI apiServer();

    /** Folder holding the service account's {@code token}, {@code ca.crt} and {@code namespace}. */
    @WithDefault("/var/run/secrets/kubernetes.io/serviceaccount")
    Path serviceAccountDir();

    /** Scale-in order: the ReplicaSet controller removes pods with the lowest deletion cost first. */
    interface DeletionCost {

        /** Keep the annotation equal to the busy slots (0 when idle); needs RBAC to patch pods. */
        @WithDefault("false")
        boolean enabled();

        /** How often the busy slot count is compared with the annotation last written. */
        @WithDefault("1s")
        Duration interval();
    }
}
