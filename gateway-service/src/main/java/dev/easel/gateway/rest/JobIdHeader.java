package dev.easel.gateway.rest;

import dev.easel.gateway.view.JobView;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/** Names the job of every response that returns one, so the access log carries the job id. */
public class JobIdHeader {

    static final String HEADER = "X-Easel-Job-Id";

    @ServerResponseFilter
    public void addJobId(ContainerResponseContext response) {
        if (response.getEntity() instanceof JobView view) {
            response.getHeaders().putSingle(HEADER, view.id());
        }
    }
}
