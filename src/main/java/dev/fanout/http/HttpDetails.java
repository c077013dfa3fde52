package dev.fanout.http;

/** Plain-language details for the statuses the HTTP layer itself decides. */
final class HttpDetails {

    private HttpDetails() {
    }

    static String of(int status) {
        return switch (status) {
            case 400 -> "The request is malformed";
            case 404 -> "No resource at this path";
            case 405 -> "This path does not take that method";
            case 406 -> "This resource answers application/json only";
            case 413 -> "The request body is larger than this function accepts";
            case 415 -> "This resource takes application/json only";
            default -> "The request was refused";
        };
    }
}
