package io.shoal.query;

import jakarta.annotation.security.RolesAllowed;
import io.shoal.security.Roles;
import java.time.Instant;

import java.util.HashSet;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.shoal.event.SegmentChangeEvent;
import io.shoal.query.grpc.GetRecommendationStatsRequest;
import io.shoal.query.grpc.GetSegmentRequest;
import io.shoal.query.grpc.GetSegmentResponse;
import io.shoal.query.grpc.RecommendRequest;
import io.shoal.query.grpc.RecommendationStatsResponse;
import io.shoal.query.grpc.RecommendResponse;
import io.shoal.query.grpc.BatchGetUserSegmentsRequest;
import io.shoal.query.grpc.BatchGetUserSegmentsResponse;
import io.shoal.query.grpc.GetUserHistoryRequest;
import io.shoal.query.grpc.GetUserHistoryResponse;
import io.shoal.query.grpc.GetUserSegmentRequest;
import io.shoal.query.grpc.ListSegmentsRequest;
import io.shoal.query.grpc.ListSegmentsResponse;
import io.shoal.query.grpc.SegmentChange;
import io.shoal.query.grpc.SegmentServiceGrpc;
import io.shoal.query.grpc.UserSegment;
import io.shoal.query.grpc.UserSegmentResult;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiSubscriber;

/**
 * {@code shoal.v1.SegmentService} on the HTTP port. Written against the grpc-java base class rather than the Mutiny
 * interface so that WatchSegmentChanges can follow the transport's flow control: it requests the next change only
 * when the client's stream is ready, so a slow client fills its own bounded buffer (and is dropped) instead of
 * piling messages up in the server's write queue.
 */
@GrpcService
@RolesAllowed(Roles.SEGMENTS_READ)
public class SegmentGrpcService extends SegmentServiceGrpc.SegmentServiceImplBase {

    private final SegmentQueries queries;
    private final RecommendationQueries recommendations;
    private final SegmentChangeBroadcaster broadcaster;
    private final ExplanationQueries explanations;

    public SegmentGrpcService(SegmentQueries queries, RecommendationQueries recommendations,
            SegmentChangeBroadcaster broadcaster, ExplanationQueries explanations) {
        this.queries = queries;
        this.recommendations = recommendations;
        this.broadcaster = broadcaster;
        this.explanations = explanations;
    }

    @Override
    public void explain(io.shoal.query.grpc.ExplainRequest request,
            StreamObserver<io.shoal.query.grpc.ExplanationResponse> response) {
        answer(explanations.explain(request.getUserId()).map(GrpcMapping::explanation), response);
    }

    @Override
    public void getRecommendationStats(GetRecommendationStatsRequest request,
            StreamObserver<RecommendationStatsResponse> response) {
        answer(recommendations.stats(request.hasSegmentId() ? request.getSegmentId() : null)
                .map(GrpcMapping::recommendationStats), response);
    }

    @Override
    public void getSegment(GetSegmentRequest request, StreamObserver<GetSegmentResponse> response) {
        answer(recommendations.segment(request.getSegmentId()).map(GrpcMapping::segmentDetail), response);
    }

    @Override
    public void recommend(RecommendRequest request, StreamObserver<RecommendResponse> response) {
        answer(recommendations.recommend(request.getUserId(), request.getStrategy(),
                request.getLimit() == 0 ? null : request.getLimit(), request.getExcludeRecent())
                .map(GrpcMapping::recommendations), response);
    }

    @Override
    public void getUserSegment(GetUserSegmentRequest request, StreamObserver<UserSegment> response) {
        answer(queries.user(request.getUserId()).map(GrpcMapping::userSegment), response);
    }

    @Override
    public void batchGetUserSegments(BatchGetUserSegmentsRequest request,
            StreamObserver<BatchGetUserSegmentsResponse> response) {
        answer(queries.users(request.getUserIdsList()).map(list -> {
            BatchGetUserSegmentsResponse.Builder b = BatchGetUserSegmentsResponse.newBuilder();
            for (int i = 0; i < list.size(); i++) {
                Optional<Assignment> a = list.get(i);
                UserSegmentResult.Builder r = UserSegmentResult.newBuilder().setUserId(request.getUserIds(i))
                        .setFound(a.isPresent());
                a.ifPresent(x -> r.setSegment(GrpcMapping.userSegment(x)));
                b.addResults(r);
            }
            return b.build();
        }), response);
    }

    @Override
    public void listSegments(ListSegmentsRequest request, StreamObserver<ListSegmentsResponse> response) {
        answer(queries.segments(request.getIncludeRetired()).map(l -> {
            ListSegmentsResponse.Builder b = ListSegmentsResponse.newBuilder().setModelVersion(l.modelVersion());
            l.segments().forEach(s -> b.addSegments(GrpcMapping.segment(s)));
            return b.build();
        }), response);
    }

    @Override
    public void getUserHistory(GetUserHistoryRequest request, StreamObserver<GetUserHistoryResponse> response) {
        Instant asOf;
        try {
            asOf = request.hasAsOf() ? GrpcMapping.instant("as_of", request.getAsOf()) : null;
        } catch (InvalidQueryException e) {
            response.onError(GrpcMapping.status(e));
            return;
        }
        answer(queries.history(request.getUserId(), asOf, request.getPage(),
                request.getPageSize() == 0 ? null : request.getPageSize()).map(p -> {
                    GetUserHistoryResponse.Builder b = GetUserHistoryResponse.newBuilder().setUserId(p.userId())
                            .setPage(p.page()).setPageSize(p.size()).setHasMore(p.hasMore());
                    p.changes().forEach(h -> b.addChanges(GrpcMapping.historyEntry(h)));
                    if (p.inForce() != null) {
                        b.setAsOf(GrpcMapping.segmentAt(p.inForce()));
                    }
                    return b.build();
                }), response);
    }

    @Override
    public void watchSegmentChanges(io.shoal.query.grpc.WatchSegmentChangesRequest request,
            StreamObserver<SegmentChange> response) {
        if (!(response instanceof ServerCallStreamObserver<SegmentChange> call)) {
            throw new IllegalStateException("WatchSegmentChanges needs grpc-java's ServerCallStreamObserver but got "
                    + response.getClass().getName());
        }
        AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        // True while one change is requested and not delivered yet: at most one is in flight towards the client.
        AtomicBoolean requested = new AtomicBoolean();
        Runnable requestIfReady = () -> {
            Flow.Subscription s = subscription.get();
            if (s != null && call.isReady() && !call.isCancelled() && requested.compareAndSet(false, true)) {
                s.request(1);
            }
        };
        call.setOnReadyHandler(requestIfReady);
        call.setOnCancelHandler(() -> {
            Flow.Subscription s = subscription.getAndSet(null);
            if (s != null) {
                s.cancel();
            }
        });
        broadcaster.watch(new HashSet<>(request.getSegmentIdsList())).subscribe().withSubscriber(
                new MultiSubscriber<SegmentChangeEvent>() {
                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        subscription.set(s);
                        requestIfReady.run();
                    }

                    @Override
                    public void onItem(SegmentChangeEvent event) {
                        if (call.isCancelled()) {
                            return;
                        }
                        call.onNext(GrpcMapping.change(event));
                        requested.set(false);
                        requestIfReady.run();
                    }

                    @Override
                    public void onFailure(Throwable failure) {
                        if (!call.isCancelled()) {
                            call.onError(GrpcMapping.status(failure));
                        }
                    }

                    @Override
                    public void onCompletion() {
                        if (!call.isCancelled()) {
                            call.onCompleted();
                        }
                    }
                });
    }

    private static <T> void answer(Uni<T> result, StreamObserver<T> response) {
        result.subscribe().with(value -> {
            response.onNext(value);
            response.onCompleted();
        }, failure -> response.onError(GrpcMapping.status(failure)));
    }
}
