package dev.fanout.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The SQS events of {@code events/}, as Lambda delivers them, and the message ids the tests name. */
final class SqsFixtures {

    static final String STANDARD = "/events/sqs-standard.json";
    static final String FIFO = "/events/sqs-fifo.json";

    /** Messages of sqs-standard.json: users 1 and 2, a body that is not JSON, and user -3. */
    static final String STANDARD_USER_1 = "059f36b4-87a3-44ab-83d2-661975830a7d";
    static final String STANDARD_MALFORMED = "2e1424d4-f796-459a-8184-9c92662be6da";
    static final String STANDARD_USER_2 = "5b1e8c44-3d3f-4c9e-9d0a-7a4f4f7f1c21";
    static final String STANDARD_NON_POSITIVE = "8d7a3f5e-0c6b-4b3e-a2f4-6c0e9b7d1e55";
    static final int STANDARD_USERS = 2;

    /** Messages of sqs-fifo.json: group tenant-a holds users 1, 2, 3 and tenant-b users 4, 5, 6, interleaved. */
    static final String GROUP_A_SECOND = "a2f1d4e3-2c8e-4f1f-8b62-1e4d6f8c0a02";
    static final String GROUP_A_THIRD = "a3f2e5f4-3d9f-4a2a-9c73-2f5e7a9d1b03";
    static final int FIFO_USERS = 6;

    private SqsFixtures() {
    }

    static String read(String resource) throws IOException {
        try (InputStream in = SqsFixtures.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
