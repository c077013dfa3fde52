package dev.fanout.upstream;

import java.io.IOException;

import com.fasterxml.jackson.databind.ObjectReader;

/** What an upstream's answer means: its JSON read as asked, a 404, or the upstream's failure. */
final class HttpAnswers {

    private HttpAnswers() {
    }

    static <T> T read(String upstream, HttpExchange.Answer answer, ObjectReader reader) {
        int status = answer.status();
        if (status == 404) {
            throw new UpstreamNotFoundException(upstream);
        }
        if (status < 200 || status > 299) {
            throw new UpstreamFailureException(upstream, "answered HTTP " + status, null);
        }
        if (answer.body().length() == 0) {
            throw new UpstreamFailureException(upstream, "sent an empty answer", null);
        }
        T read;
        try {
            read = reader.readValue(answer.body().getBytes());
        } catch (IOException malformed) {
            throw new UpstreamFailureException(upstream, "sent a malformed answer", malformed);
        }
        if (read == null) {
            throw new UpstreamFailureException(upstream, "sent an empty answer", null);
        }
        return read;
    }
}
