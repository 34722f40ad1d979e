package io.shoal.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builders of event JSON (as maps, serialised by RestAssured) for tests. */
public final class Events {

    private Events() {
    }

    public static Map<String, Object> view(String eventId, String userId, String text) {
        Map<String, Object> e = new LinkedHashMap<>();
        if (eventId != null) {
            e.put("eventId", eventId);
        }
        e.put("userId", userId);
        e.put("type", "view");
        e.put("text", text);
        return e;
    }

    public static List<Map<String, Object>> views(String idPrefix, String userPrefix, int users, int n) {
        List<Map<String, Object>> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(view(idPrefix + i, userPrefix + (i % users), "product " + (i % 17)));
        }
        return list;
    }
}
