package dev.easel.gateway.store;

/** No job has this id (or the id is not one this gateway issues). */
public class JobNotFoundException extends RuntimeException {

    public JobNotFoundException(String id) {
        super("job " + id + " does not exist");
    }
}
