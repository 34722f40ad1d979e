package io.shoal.security;

import java.util.List;

/**
 * The roles a credential can hold. {@link #ADMIN} holds every other role ({@link RoleExpansion}); an endpoint names
 * the narrow role it needs.
 */
public final class Roles {

    /** Send behaviour events ({@code POST /v1/events}, the Segment-compatible tracking endpoints). */
    public static final String EVENTS_WRITE = "events:write";
    /** Read segments, shoppers, history, recommendations and the change streams. */
    public static final String SEGMENTS_READ = "segments:read";
    /** Name segments ({@code PUT /v1/segments/{id}/label}): what a marketer needs beside reading. */
    public static final String SEGMENTS_WRITE = "segments:write";
    /** Erase shoppers ({@code DELETE /v1/users/{userId}}, {@code POST /v1/users/erasures}). */
    public static final String USERS_ERASE = "users:erase";
    /** Operations: refits, dead letters, and every role above. */
    public static final String ADMIN = "admin";

    public static final List<String> ALL = List.of(EVENTS_WRITE, SEGMENTS_READ, SEGMENTS_WRITE, USERS_ERASE, ADMIN);

    private Roles() {
    }
}
