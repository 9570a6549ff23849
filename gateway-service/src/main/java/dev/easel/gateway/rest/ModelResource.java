package dev.easel.gateway.rest;

import dev.easel.common.job.JobKind;
import dev.easel.common.job.Scheduler;
import dev.easel.common.model.ModelLimits;
import dev.easel.common.validation.JobRequestValidator;
import dev.easel.gateway.model.ConfiguredModelCatalog;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import dev.easel.gateway.identity.AccessPolicy;
import dev.easel.gateway.identity.Action;
import dev.easel.gateway.identity.Caller;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /v1/models}: the models jobs may name, with their capabilities, defaults and limits. */
@SecurityRequirement(name = ApiSecurity.SCHEME)
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "models")
public class ModelResource {

    private final ConfiguredModelCatalog catalog;

    private final Callers callers;

    ModelResource(ConfiguredModelCatalog catalog, Callers callers) {
        this.catalog = catalog;
        this.callers = callers;
    }

    /** One model as listed. {@code source} says where the gateway learnt of it. */
    public record Model(String id, String version, boolean isDefault, List<String> kinds, List<String> schedulers,
                        Defaults defaults, Limits limits, String source) {
    }

    public record Defaults(int width, int height, int steps, double guidanceScale, String scheduler) {
    }

    public record Limits(int maxWidth, int maxHeight, int pixelStride, int maxSteps, int maxNumImages) {
    }

    public record ModelList(List<Model> data, String defaultModel) {
    }

    @GET
    @Operation(operationId = "listModels", summary = "List models",
            description = "The models jobs may name: those the live workers announce (`source: workers`); while no worker is alive, the configured catalog (`source: configuration`).")
    @APIResponse(responseCode = "200", description = "The models", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ModelList.class)))
    public ModelList list() {
        Caller caller = callers.current();
        Guard.require(AccessPolicy.decide(caller, Action.READ_MODELS), caller, "read models");
        return new ModelList(catalog.all().stream().map(this::model).toList(), catalog.defaultModel());
    }

    private Model model(ModelLimits m) {
        return new Model(m.id(), m.version(), m.id().equals(catalog.defaultModel()),
                m.kinds().stream().map(JobKind::wireName).sorted().toList(),
                m.schedulers().stream().map(Scheduler::wireName).sorted().toList(),
                new Defaults(m.defaultWidth(), m.defaultHeight(), m.defaultSteps(), m.defaultGuidanceScale(),
                        m.defaultScheduler().wireName()),
                new Limits(m.maxWidth(), m.maxHeight(), m.pixelStride(), JobRequestValidator.MAX_STEPS,
                        JobRequestValidator.MAX_NUM_IMAGES),
                catalog.fromWorkers() ? "workers" : "configuration");
    }
}
