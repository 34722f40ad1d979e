package io.shoal.replay;

import java.util.List;

/** Delivers one batch: returns once the service gave a final answer, recorded in the stats. */
public interface BatchSender {

    /**
     * @throws ServiceUnreachableException when nothing listens at the URL
     * @throws ReplayFailedException       when the service kept failing in a way resending does not fix
     */
    void send(List<ReplayEvent> batch) throws InterruptedException;
}
