package org.cxrplatform.inference.pipeline;

import org.cxrplatform.inference.model.ReportModel;
import org.cxrplatform.llava.GenerationOptions;
import org.cxrplatform.llava.GenerationRequest;
import org.cxrplatform.llava.ModelInfo;
import org.cxrplatform.llava.engine.Completion;
import org.cxrplatform.llava.engine.GenerationListener;
import org.cxrplatform.llava.engine.RequestHandle;

/**
 * Base of the test models that simulate what the tiny CPU model cannot do (a GPU out-of-memory
 * error, a native abort, a model failure, a GPU-sized step time, a scripted report): the real
 * engine runs underneath; a subclass overrides what it simulates.
 */
abstract class OverRealModel implements ReportModel {

    protected final ReportModel real;

    /** A listener that passes every event on to the loop's; a simulation overrides the events it changes. */
    static class Forwarding implements GenerationListener {
        final GenerationListener to;

        Forwarding(GenerationListener to) {
            this.to = to;
        }

        @Override
        public void onAdmitted(RequestHandle r, long step) {
            to.onAdmitted(r, step);
        }

        @Override
        public void onToken(RequestHandle r, int tokenId, String textPiece) {
            to.onToken(r, tokenId, textPiece);
        }

        @Override
        public void onComplete(RequestHandle r, Completion c) {
            to.onComplete(r, c);
        }

        @Override
        public void onFailed(RequestHandle r, Throwable error) {
            to.onFailed(r, error);
        }
    }

    OverRealModel(ReportModel real) {
        this.real = real;
    }

    @Override
    public ModelInfo info() {
        return real.info();
    }

    @Override
    public String promptVersion() {
        return real.promptVersion();
    }

    @Override
    public int slots() {
        return real.slots();
    }

    @Override
    public int reservedSlots() {
        return real.reservedSlots();
    }

    @Override
    public RequestHandle submit(
            GenerationRequest request, GenerationOptions options, int priority, GenerationListener listener) {
        return real.submit(request, options, priority, listener);
    }

    @Override
    public boolean step() {
        return real.step();
    }

    @Override
    public void close() {
        real.close();
    }
}
