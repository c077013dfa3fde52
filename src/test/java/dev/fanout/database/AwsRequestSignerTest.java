package dev.fanout.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.fanout.database.AwsRequestSigner.Credentials;

class AwsRequestSignerTest {

    private static final String HOST = "secretsmanager.eu-west-1.amazonaws.com";
    private static final String BODY = "{\"SecretId\":\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf\"}";
    private static final Credentials CREDENTIALS = new Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            Optional.of("session-token-example"));
    private static final Instant NOW = Instant.parse("2026-11-26T02:03:51Z");
    /**
     * What botocore 1.43.11 ({@code SigV4Auth(credentials, "secretsmanager", "eu-west-1").add_auth})
     * writes for the same request, credentials and time: the reference implementation.
     */
    private static final String BOTOCORE_AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/eu-west-1/secretsmanager/aws4_request, "
            + "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, "
            + "Signature=99a527bbb0305750a122b4f84b1825bd5dad66b832accd02c5d7ee7450e9d9e4";

    @Test
    void signatureMatchesTheAwsSdkForTheSameRequest() {
        Map<String, String> headers = AwsRequestSigner.signedHeaders(HOST, "eu-west-1", "secretsmanager",
                Map.of("Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", "secretsmanager.GetSecretValue"),
                BODY, CREDENTIALS, NOW);

        assertThat(headers)
                .containsEntry("authorization", BOTOCORE_AUTHORIZATION)
                .containsEntry("x-amz-date", "20261126T020351Z")
                .containsEntry("x-amz-security-token", "session-token-example")
                .containsEntry("host", HOST);
    }

    @Test
    void credentialsNeverPrintTheirSecret() {
        assertThat(CREDENTIALS.toString()).doesNotContain(CREDENTIALS.secretAccessKey());
    }
}
