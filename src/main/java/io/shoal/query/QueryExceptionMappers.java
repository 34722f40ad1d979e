package io.shoal.query;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The query side's answers to bad and unknown input, for every REST resource of this package (a 4xx naming the
 * parameter, never a 5xx), and the parsers of query parameters that fail with the parameter's name.
 */
public class QueryExceptionMappers {

    @ServerExceptionMapper(InvalidQueryException.class)
    public Response invalid(InvalidQueryException e) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON)
                .entity(new QueryError(e.parameter(), e.getMessage())).build();
    }

    @ServerExceptionMapper(UnknownSegmentException.class)
    public Response unknownSegment(UnknownSegmentException e) {
        return Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON)
                .entity(new QueryError("segmentId", e.getMessage())).build();
    }

    @ServerExceptionMapper(UnknownUserException.class)
    public Response unknownUser(UnknownUserException e) {
        return Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON)
                .entity(new QueryError(null, e.getMessage())).build();
    }

    /** An ISO-8601 instant, or null when absent or empty. */
    static Instant instant(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidQueryException(name, name + " must be an ISO-8601 instant such as "
                    + "2026-11-28T10:15:30Z but was '" + value + "'");
        }
    }

    static int integer(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidQueryException(name, name + " must be an integer but was '" + value + "'");
        }
    }

    static long segmentId(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidQueryException(name, name + " must be an integer segment id but was '" + value + "'");
        }
    }
}
