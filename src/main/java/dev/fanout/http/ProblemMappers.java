package dev.fanout.http;

import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import dev.fanout.concurrent.DeadlineExceededException;
import dev.fanout.database.DatabaseUnavailable;
import dev.fanout.errors.Causes;
import dev.fanout.problem.Problem;
import dev.fanout.problem.ProblemException;
import dev.fanout.problem.ProblemTypes;

/**
 * Where failures thrown by resources become answers (the router filters refuse with
 * {@link Problem#refuse} before a resource runs). Every error leaves as problem+json;
 * none carries a stack trace, SQL, a class name or a host name.
 * What a client needs is in {@code detail}; what an operator needs is in the log.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final Problem DEADLINE_EXCEEDED = new Problem(ProblemTypes.of("deadline-exceeded"), "Deadline exceeded",
            504, "");

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        if (e.status() >= 500) {
            // An upstream, the deadline or a saturated dependency: the operator's concern, one line each.
            LOG.warnf("%d %s%s", e.status(), e.getMessage(), rootCauseOf(e));
        }
        Response answer = answer(e.toProblem());
        // A 503 is "not now": say when to try again, as every other 503 of ours does.
        return e.status() == 503 ? Response.fromResponse(answer).header("Retry-After", "1").build() : answer;
    }

    /** A required part, or the whole, ran out of the request's time. */
    @ServerExceptionMapper
    public Response deadline(DeadlineExceededException e) {
        LOG.warnf("%d %s", DEADLINE_EXCEEDED.status(), e.getMessage());
        return answer(new Problem(DEADLINE_EXCEEDED.type(), DEADLINE_EXCEEDED.title(), DEADLINE_EXCEEDED.status(),
                e.getMessage()));
    }

    /** What really happened underneath (a reset, a timeout, a parse error), for the log only. */
    private static String rootCauseOf(Throwable failure) {
        Throwable root = Causes.root(failure);
        return root == failure ? "" : " (" + root + ")";
    }

    @ServerExceptionMapper
    public Response invalidInput(ConstraintViolationException e) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(ProblemMappers::fieldError)
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        return answer(new Problem(ProblemTypes.of("validation"), "Invalid request", 422,
                "The request body breaks " + errors.size() + " rule(s); see errors", errors));
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return answer(new Problem(ProblemTypes.of("malformed-json"), "Malformed JSON", 400,
                "The request body is not valid JSON of the expected shape"));
    }

    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        return malformedJson(e);
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        Response.StatusType statusType = Response.Status.fromStatusCode(status);
        String title = statusType != null ? statusType.getReasonPhrase() : "Request refused";
        return answer(new Problem(ProblemTypes.ABOUT_BLANK, title, status, HttpDetails.of(status)));
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response unexpected(Throwable e) {
        if (DatabaseUnavailable.isCause(e)) {
            return databaseUnavailable(e);
        }
        String reference = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected failure, reference %s", reference);
        return answer(new Problem(ProblemTypes.ABOUT_BLANK, "Internal Server Error", 500,
                "An unexpected error occurred; quote reference " + reference + " when reporting it"));
    }

    /** Down, restarting or saturated: the client may retry shortly; the operator sees why in the log. */
    private static Response databaseUnavailable(Throwable e) {
        if (DatabaseUnavailable.isSaturation(e)) {
            LOG.debugf("Database pool saturated: %s", e.toString()); // an overload would flood the log; the 503s are metered
        } else {
            LOG.warnf("Database unavailable: %s", e.toString());
        }
        return Response.fromResponse(answer(new Problem(ProblemTypes.of("database-unavailable"), "Service Unavailable",
                503, "The database cannot serve this request right now; retry shortly")))
                .header("Retry-After", "1")
                .build();
    }

    public static Response answer(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    private static Problem.FieldError fieldError(ConstraintViolation<?> violation) {
        return new Problem.FieldError(leafName(violation.getPropertyPath()), violation.getMessage());
    }

    /**
     * {@code create.request.email} is our method and parameter names; the client only knows {@code email}.
     * An element of a list ({@code userIds[2].<list element>}) is named by its list.
     */
    private static String leafName(Path path) {
        String name = "";
        for (Path.Node node : path) {
            if (node.getName() != null && node.getKind() != ElementKind.CONTAINER_ELEMENT) {
                name = node.getName();
            }
        }
        return name;
    }
}
