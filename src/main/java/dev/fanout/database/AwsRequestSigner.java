package dev.fanout.database;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
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
 * AWS Signature Version 4 for the two requests this app signs: a POST of a JSON body to the
 * root path of an AWS JSON-protocol service (Secrets Manager's {@code GetSecretValue}), and a
 * presigned {@code GET /?Action=connect} URL, which is what an RDS IAM authentication token
 * is. JDK cryptography in place of the AWS SDK, which would add megabytes to the package and
 * hundreds of milliseconds to every cold start for these two.
 */
final class AwsRequestSigner {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";

    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();
    private static final HexFormat HEX_UPPER = HexFormat.of().withUpperCase();

    /** An execution role's credentials: from the environment, or from the container-credentials endpoint. */
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

        String signature = signature(credentials, date, region, service, stringToSign);

        signed.put("authorization", ALGORITHM + " Credential=" + credentials.accessKeyId() + "/" + scope
                + ", SignedHeaders=" + signedHeaderNames + ", Signature=" + signature);
        return signed;
    }

    /**
     * A presigned {@code GET /} URL's query string ({@code X-Amz-*} parameters with the
     * signature last), signed for {@code host} alone, as botocore's {@code SigV4QueryAuth}
     * and RDS's {@code generate_db_auth_token} sign it.
     *
     * @param host the Host header as it would be sent, {@code host:port} unless the port is the scheme's default
     */
    static String presignedQuery(String host, String region, String service, Map<String, String> parameters,
            Duration expires, Credentials credentials, Instant now) {
        String date = DATE.format(now);
        String scope = date + "/" + region + "/" + service + "/aws4_request";
        TreeMap<String, String> query = new TreeMap<>(); // canonical order: by encoded name, which is the same here
        parameters.forEach((name, value) -> query.put(uriEncode(name), uriEncode(value)));
        query.put("X-Amz-Algorithm", ALGORITHM);
        query.put("X-Amz-Credential", uriEncode(credentials.accessKeyId() + "/" + scope));
        query.put("X-Amz-Date", AMZ_DATE.format(now));
        query.put("X-Amz-Expires", Long.toString(expires.toSeconds()));
        credentials.sessionToken().ifPresent(token -> query.put("X-Amz-Security-Token", uriEncode(token)));
        query.put("X-Amz-SignedHeaders", "host");
        StringBuilder canonicalQuery = new StringBuilder();
        query.forEach((name, value) -> canonicalQuery.append(canonicalQuery.isEmpty() ? "" : "&").append(name).append('=').append(value));

        String canonicalRequest = "GET\n/\n" + canonicalQuery + "\nhost:" + host + "\n\nhost\n" + sha256Hex("");
        String stringToSign = ALGORITHM + "\n" + AMZ_DATE.format(now) + "\n" + scope + "\n" + sha256Hex(canonicalRequest);
        return canonicalQuery + "&X-Amz-Signature=" + signature(credentials, date, region, service, stringToSign);
    }

    private static String signature(Credentials credentials, String date, String region, String service, String stringToSign) {
        byte[] key = hmac(("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        return HEX.formatHex(hmac(key, stringToSign));
    }

    /** SigV4's URI encoding: every byte but the unreserved characters A-Z a-z 0-9 - _ . ~ as %XX, upper-case hex. */
    static String uriEncode(String text) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
                encoded.append(c);
            } else {
                encoded.append('%').append(HEX_UPPER.toHexDigits(b));
            }
        }
        return encoded.toString();
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
