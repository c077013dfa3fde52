package dev.fanout.database;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for one kind of request: a POST of a JSON body to the root path
 * of an AWS JSON-protocol service (Secrets Manager's {@code GetSecretValue}). About eighty
 * lines of JDK cryptography in place of the AWS SDK, which would add megabytes to the
 * package and hundreds of milliseconds to every cold start for this one call.
 */
final class AwsRequestSigner {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";

    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    /** The credentials Lambda gives every function in its environment (the execution role's). */
    record Credentials(String accessKeyId, String secretAccessKey, Optional<String> sessionToken) {

        @Override
        public String toString() {
            return "Credentials[" + accessKeyId + ", secret hidden]"; // never the secret in a log line
        }
    }

    private AwsRequestSigner() {
    }

    /**
     * The headers to send with a POST of {@code body} to {@code /} on {@code host}: the
     * given ones, plus {@code host}, {@code x-amz-date}, {@code x-amz-security-token} (with a
     * session token) and {@code authorization}. Header names come back in lower case.
     */
    static Map<String, String> signedHeaders(String host, String region, String service, Map<String, String> headers,
            String body, Credentials credentials, Instant now) {
        TreeMap<String, String> signed = new TreeMap<>();
        headers.forEach((name, value) -> signed.put(name.toLowerCase(Locale.ROOT), value.trim()));
        signed.put("host", host);
        signed.put("x-amz-date", AMZ_DATE.format(now));
        credentials.sessionToken().ifPresent(token -> signed.put("x-amz-security-token", token));

        String signedHeaderNames = String.join(";", signed.keySet());
        StringBuilder canonicalRequest = new StringBuilder("POST\n/\n\n");
        signed.forEach((name, value) -> canonicalRequest.append(name).append(':').append(value).append('\n'));
        canonicalRequest.append('\n').append(signedHeaderNames).append('\n').append(sha256Hex(body));

        String date = DATE.format(now);
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        String stringToSign = ALGORITHM + "\n" + AMZ_DATE.format(now) + "\n" + scope + "\n" + sha256Hex(canonicalRequest.toString());

        byte[] key = hmac(("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String signature = HEX.formatHex(hmac(key, stringToSign));

        signed.put("authorization", ALGORITHM + " Credential=" + credentials.accessKeyId() + "/" + scope
                + ", SignedHeaders=" + signedHeaderNames + ", Signature=" + signature);
        return signed;
    }

    private static String sha256Hex(String text) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
