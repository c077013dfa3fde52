package dev.fanout.sync;

import java.util.List;

import jakarta.ws.rs.core.Response;

import dev.fanout.problem.Problem;
import dev.fanout.problem.ProblemException;
import dev.fanout.problem.ProblemTypes;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The event POSTed to {@code /events/sqs} is not an SQS event whose messages we can name,
 * so no message can be failed on its own: the whole batch must go back to the queue.
 */
public class UnreadableSqsEventException extends ProblemException {

    static final String TYPE_SLUG = "unreadable-sqs-event";
    static final String TITLE = "Unreadable SQS event";

    public UnreadableSqsEventException(String detail) {
        super(400, TYPE_SLUG, TITLE, detail);
    }

    /**
     * A problem that is also a partial batch response naming an empty message id, which
     * Lambda documents as "the whole batch failed". The Web Adapter ignores the status of a
     * pass-through answer and hands Lambda the body, so the body alone must say so; a
     * plain problem, having no {@code batchItemFailures}, would read as "all succeeded".
     */
    Response toResponse() {
        Problem problem = toProblem();
        var body = new Answer(ProblemTypes.of(TYPE_SLUG), TITLE, problem.status(), problem.detail(),
                List.of(new SqsBatchResponse.BatchItemFailure("")));
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(body).build();
    }

    @RegisterForReflection
    record Answer(String type, String title, int status, String detail,
            List<SqsBatchResponse.BatchItemFailure> batchItemFailures) {
    }
}
