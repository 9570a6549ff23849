package dev.easel.gateway.rest;

/** OpenAPI examples of the job API, kept in one place. */
final class Examples {

    static final String CREATE_TEXT_TO_IMAGE = """
            {"kind": "text-to-image", "prompt": "a large red circle on a white background", "seed": 42, "steps": 20}""";

    static final String JOB_QUEUED = """
            {"id": "01936a8e-5f3c-7b21-9c4e-2a6f0d1b7e55", "status": "queued", "kind": "text-to-image",
             "model": "tiny-shapes", "input": {"kind": "text-to-image", "model": "tiny-shapes",
             "prompt": "a large red circle on a white background", "negative_prompt": "", "width": 64, "height": 64,
             "steps": 20, "guidance_scale": 5.0, "scheduler": "euler", "seed": 42, "num_images": 1, "cache": "use"},
             "created_at": "2026-11-25T08:00:00.123456Z", "queue": {"position": 0, "eta_seconds": 1.2},
             "cache": "miss", "attempts": 0, "metadata": {},
             "links": {"self": "/v1/jobs/01936a8e-5f3c-7b21-9c4e-2a6f0d1b7e55",
                       "events": "/v1/jobs/01936a8e-5f3c-7b21-9c4e-2a6f0d1b7e55/events",
                       "cancel": "/v1/jobs/01936a8e-5f3c-7b21-9c4e-2a6f0d1b7e55/cancel"}}""";

    static final String JOB_RUNNING = """
            {"id": "01936a8e-5f3c-7b21-9c4e-2a6f0d1b7e55", "status": "running", "kind": "text-to-image",
             "model": "tiny-shapes", "created_at": "2026-11-25T08:00:00.123456Z",
             "started_at": "2026-11-25T08:00:00.301Z",
             "progress": {"stage": "denoising", "step": 12, "steps": 20, "percent": 60.0,
                          "preview_url": "https://cdn.example.com/outputs/01936a8e-5f3c-7b21-9c4e-2a6f0d1b7e55/preview.jpg"},
             "cache": "miss", "attempts": 1}""";

    static final String JOB_SUCCEEDED = """
            {"id": "01936a8e-5f3c-7b21-9c4e-2a6f0d1b7e55", "status": "succeeded", "kind": "text-to-image",
             "model": "tiny-shapes", "created_at": "2026-11-25T08:00:00.123456Z",
             "started_at": "2026-11-25T08:00:00.301Z", "completed_at": "2026-11-25T08:00:00.752Z",
             "output": {"images": [{"url": "https://cdn.example.com/outputs/01936a8e-5f3c-7b21-9c4e-2a6f0d1b7e55/0.png",
               "thumbnail_url": "https://cdn.example.com/outputs/01936a8e-5f3c-7b21-9c4e-2a6f0d1b7e55/0.thumb.jpg",
               "width": 64, "height": 64, "seed": 42, "content_type": "image/png"}]},
             "cache": "miss", "attempts": 1,
             "metrics": {"queue_ms": 3, "run_ms": 410, "inference_ms": 380, "upload_ms": 12}}""";

    static final String PROBLEM_INVALID = """
            {"type": "https://easel.dev/problems/invalid_request", "title": "Invalid request", "status": 400,
             "detail": "2 field(s) of the request are invalid", "code": "invalid_request", "instance": "/v1/jobs",
             "errors": [{"field": "width", "code": "not_multiple_of_stride", "message": "must be a multiple of 8"},
                        {"field": "steps", "code": "out_of_range", "message": "must be from 1 to 150"}]}""";

    static final String PROBLEM_NOT_FOUND = """
            {"type": "https://easel.dev/problems/not_found", "title": "Not found", "status": 404,
             "detail": "job 01936a8e-5f3c-7b21-9c4e-2a6f0d1b7e55 does not exist", "code": "not_found",
             "instance": "/v1/jobs/01936a8e-5f3c-7b21-9c4e-2a6f0d1b7e55"}""";

    static final String PROBLEM_IDEMPOTENCY = """
            {"type": "https://easel.dev/problems/idempotency_key_reused", "title": "Idempotency key reused",
             "status": 422, "detail": "this Idempotency-Key was already used with a different request body",
             "code": "idempotency_key_reused", "instance": "/v1/jobs"}""";

    static final String PROBLEM_DATABASE = """
            {"type": "https://easel.dev/problems/database_unavailable", "title": "Service Unavailable", "status": 503,
             "detail": "the job store is unavailable; the request may not have been stored: send it again, \
            with the same Idempotency-Key",
             "code": "database_unavailable", "instance": "/v1/jobs"}""";

    private Examples() {
    }
}
