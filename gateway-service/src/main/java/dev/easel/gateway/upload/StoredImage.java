package dev.easel.gateway.upload;

/** An input image kept in storage under {@code uploads/{id}}, as {@code POST /v1/uploads} returns it. */
public record StoredImage(String id, int width, int height, String contentType, String sha256, long bytes) {
}
