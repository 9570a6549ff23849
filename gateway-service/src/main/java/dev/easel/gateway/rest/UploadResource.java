package dev.easel.gateway.rest;

import dev.easel.common.validation.Violation;
import dev.easel.gateway.identity.AccessPolicy;
import dev.easel.gateway.identity.Action;
import dev.easel.gateway.identity.Caller;
import dev.easel.gateway.upload.StoredImage;
import dev.easel.gateway.upload.UploadStore;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/** {@code POST /v1/uploads}: stores an input image once, for jobs to reference as {@code upload:<id>}. */
@SecurityRequirement(name = ApiSecurity.SCHEME)
@Path("/v1/uploads")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "uploads")
@Blocking
public class UploadResource {

    /** The one part an upload form has, required. */
    static final List<String> FORM_PARTS = List.of("file");

    private final UploadStore store;
    private final ApiConfig config;

    private final Callers callers;

    UploadResource(UploadStore store, ApiConfig config, Callers callers) {
        this.callers = callers;
        this.store = store;
        this.config = config;
    }

    /** What an upload returns. */
    public record Uploaded(String id, String ref, int width, int height, String contentType, long bytes) {
        static Uploaded of(StoredImage image) {
            return new Uploaded(image.id(), "upload:" + image.id(), image.width(), image.height(),
                    image.contentType(), image.bytes());
        }
    }

    @POST
    @Consumes({"image/png", "image/jpeg", "image/webp"})
    @Operation(operationId = "uploadImage", summary = "Upload an input image",
            description = "The body is the image file (PNG, JPEG or WebP). Type, dimensions and pixel count are checked "
                    + "from the header before anything is decoded. Reference the result as `upload:<id>` in `image` or `mask`.")
    @APIResponse(responseCode = "201", description = "Stored", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Uploaded.class), examples = @ExampleObject(name = "stored", value = """
                    {"id": "3f2a9c0e4b1d4e6f8a7b5c3d2e1f0a9b", "ref": "upload:3f2a9c0e4b1d4e6f8a7b5c3d2e1f0a9b",
                     "width": 512, "height": 512, "content_type": "image/png", "bytes": 48213}""")))
    @APIResponse(responseCode = "400", description = "Not a usable image (image_invalid, image_too_large)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "408", description = "The body did not arrive in full within easel.api.body-read-timeout "
            + "(request_timeout); the connection is closed", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Body too large", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "Not PNG, JPEG or WebP", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    public Response upload(InputStream body) {
        Caller caller = uploader();
        return created(store.store(caller.tenant(), RequestBodies.read(body, config.maxBodyBytes()), Violation.BODY));
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(operationId = "uploadImageForm", summary = "Upload an input image as a form",
            description = "The same as uploadImage, with the image in the file part `file`.")
    @APIResponse(responseCode = "201", description = "Stored", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Uploaded.class)))
    @APIResponse(responseCode = "400", description = "Missing or unusable file", content = @Content(mediaType = Problem.MEDIA_TYPE,
            schema = @Schema(implementation = Problem.class)))
    public Response uploadForm(@RestForm("file") FileUpload file) {
        Caller caller = uploader();
        if (file == null) {
            throw new ApiException(400, "invalid_request", "Invalid request", "the `file` part is missing",
                    List.of(new Violation("file", Violation.REQUIRED, "an image file part named file is required")));
        }
        try {
            if (Files.size(file.uploadedFile()) > config.maxBodyBytes()) {
                throw RequestBodies.tooLarge(config.maxBodyBytes());
            }
            return created(store.store(caller.tenant(), Files.readAllBytes(file.uploadedFile()), "file"));
        } catch (IOException e) {
            // The part was received whole (a truncated body fails before this): the server's own file failed.
            throw new UncheckedIOException("cannot read the received `file` part from " + file.uploadedFile(), e);
        }
    }

    private Caller uploader() {
        Caller caller = callers.current();
        Guard.require(AccessPolicy.decide(caller, Action.UPLOAD_IMAGE), caller, "upload images");
        return caller;
    }

    private static Response created(StoredImage image) {
        // No Location: an upload is referenced as upload:<id> in jobs, not read back through the API.
        return Response.status(Response.Status.CREATED).entity(Uploaded.of(image)).build();
    }
}
