package dev.easel.gateway.rest;

import dev.easel.gateway.audit.Call;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.UriInfo;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

/**
 * Tells the call log what the REST layer knows of a call ({@link CallLogFilter}): the route template the request
 * matched, the job its path names, and the {@code code} of the problem it is answered with.
 */
public class CallDetails {

    private final Map<Method, String> templates = new ConcurrentHashMap<>();

    @ServerRequestFilter
    public void route(RoutingContext context, SimpleResourceInfo resource, UriInfo uri) {
        Call call = CallLogFilter.call(context);
        if (call == null || resource == null || resource.getResourceClass() == null) {
            return;
        }
        template(resource).ifPresent(call::route);
        String job = uri.getPathParameters().getFirst("id");
        if (job != null && uri.getPath().startsWith("/v1/jobs/")) {
            try {
                call.job(UUID.fromString(job));
            } catch (IllegalArgumentException e) {
                // Not a job id: the call answers 404 and names no job.
            }
        }
    }

    @ServerResponseFilter
    public void problem(RoutingContext context, ContainerResponseContext response) {
        if (response.getEntity() instanceof Problem problem) {
            CallLogFilter.refusedWith(context, problem.code());
        }
    }

    /** The class's {@code @Path} and the method's, as declared: {@code /v1/jobs/{id}/events}. */
    private Optional<String> template(SimpleResourceInfo resource) {
        try {
            Method method = resource.getResourceClass().getMethod(resource.getMethodName(), resource.parameterTypes());
            return Optional.of(templates.computeIfAbsent(method, CallDetails::template));
        } catch (NoSuchMethodException e) {
            return Optional.empty();
        }
    }

    private static String template(Method method) {
        Path type = method.getDeclaringClass().getAnnotation(Path.class);
        Path own = method.getAnnotation(Path.class);
        String template = (type == null ? "" : type.value()) + (own == null ? "" : prefixed(own.value()));
        return template.isEmpty() ? "/" : template;
    }

    private static String prefixed(String path) {
        return path.startsWith("/") ? path : "/" + path;
    }
}
