package dev.parley.testkit;

import java.util.HashMap;
import java.util.Map;

/** The media stores every media test runs on: the local folder (the default) and S3 (a real S3Proxy). */
public enum Store {
    LOCAL, S3;

    /** Server settings that select this store (the bucket is chosen per server by {@link MediaServers}). */
    public Map<String, Object> settings(Backend backend) {
        Map<String, Object> s = new HashMap<>();
        if (this == S3) {
            S3Proxy proxy = S3Proxy.shared();
            s.put("parley.media.store", "s3");
            s.put("parley.media.s3.endpoint", proxy.endpoint());
            s.put("parley.media.s3.access-key", S3Proxy.ACCESS_KEY);
            s.put("parley.media.s3.secret-key", S3Proxy.SECRET_KEY);
        }
        return s;
    }
}
