#pragma once
// The one way covsim runs work in parallel: tbb::parallel_for over a blocked range (and a
// pipeline, a task in a context of its own, a once-call), with the happens-before edges of its
// start and its join made visible to ThreadSanitizer.
//
// Why: ThreadSanitizer sees synchronisation only in instrumented code and in the calls it
// intercepts (pthread, atomics compiled with -fsanitize=thread). Debian's libtbb is not built
// with TSan, so the hand-over of a task to a worker and the wait at the end of a parallel_for
// happen inside uninstrumented code: every write a worker makes to a per-tile result and the
// caller's read of it after the loop would be reported as a data race although the join orders
// them. The TSan build (preset tsan, clang) stops instrumenting TBB's own headers
// (cmake/tsan-ignorelist.txt) and these wrappers declare the two real edges:
//   caller before the loop  ->  every body invocation (the loop's start),
//   every body invocation   ->  caller after the loop (the join; also from a body that
//                               throws, before the caller catches what TBB rethrows).
// Nothing else is declared, so a race between two bodies (two tiles writing the same pixel, a
// shared accumulator) is still reported. Outside TSan builds the annotations compile to nothing.

#include <array>
#include <cstddef>
#include <exception>
#include <optional>
#include <tbb/blocked_range.h>
#include <tbb/collaborative_call_once.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>
#include <tbb/task_group.h>
#include <type_traits>
#include <utility>

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define COVSIM_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) && !defined(COVSIM_TSAN)
#define COVSIM_TSAN 1
#endif

#ifdef COVSIM_TSAN
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace covsim::parallel {

namespace detail {

// A synchronisation object for ThreadSanitizer: release() publishes the calling thread's
// history, acquire() makes every history released to it so far happen before what follows.
class Edge {
public:
    void release() noexcept {
#ifdef COVSIM_TSAN
        __tsan_release(this);
#endif
    }
    void acquire() noexcept {
#ifdef COVSIM_TSAN
        __tsan_acquire(this);
#endif
    }

private:
    // A distinct 8-byte cell per edge: ThreadSanitizer keys synchronisation objects by 8-byte
    // cell, so two edges sharing one would order every body after every other.
    [[maybe_unused]] alignas(8) char tag_[8] = {};
};

// Releases `edge` when it goes out of scope, also when an exception unwinds it: what a body
// wrote before it threw happens before the caller that catches the exception (the body's
// vectors, destroyed there).
class ReleaseOnExit {
public:
    explicit ReleaseOnExit(Edge& edge) noexcept : edge_(edge) {}
    ReleaseOnExit(const ReleaseOnExit&) = delete;
    ReleaseOnExit& operator=(const ReleaseOnExit&) = delete;
    ~ReleaseOnExit() { edge_.release(); }

private:
    Edge& edge_;
};

} // namespace detail

// tbb::parallel_for(range, body, extra...), where extra is a partitioner and/or a
// tbb::task_group_context; body(const Range&) runs once per subrange, as in TBB.
template <typename Range, typename Body, typename... Extra>
void for_ranges(const Range& range, const Body& body, Extra&&... extra) {
    detail::Edge start;
    detail::Edge join;
    start.release();
    auto annotated = [&](const Range& r) {
        start.acquire();
        detail::ReleaseOnExit end(join); // a body that throws joins too (TBB rethrows it)
        body(r);
    };
    try {
        tbb::parallel_for(range, annotated, std::forward<Extra>(extra)...);
    } catch (...) {
        join.acquire();
        throw;
    }
    join.acquire();
}

// body(i) for every i in [begin, end), in parallel.
template <typename Index, typename Body>
void for_each_index(Index begin, Index end, const Body& body) {
    for_ranges(tbb::blocked_range<Index>(begin, end), [&](const tbb::blocked_range<Index>& r) {
        for (Index i = r.begin(); i != r.end(); ++i) {
            body(i);
        }
    });
}

// body(i) for every i in [begin, end), in parallel, every one of them: in a context of its own,
// which the caller's cancellation does not reach. For a loop whose skipped bodies would leave
// the caller's data half made (cancelling for_each_index's context skips the bodies not yet
// started, without an exception): the empty maps of a coverage run, each filled by one body.
template <typename Index, typename Body>
void for_each_index_always(Index begin, Index end, const Body& body) {
    tbb::task_group_context own(tbb::task_group_context::isolated);
    for_ranges(
        tbb::blocked_range<Index>(begin, end),
        [&](const tbb::blocked_range<Index>& r) {
            for (Index i = r.begin(); i != r.end(); ++i) {
                body(i);
            }
        },
        own);
}

// body(i) for every i in [0, count), at most `max_in_flight` at a time (a tbb::parallel_pipeline
// with that many tokens); each body may run nested parallel loops over every thread. Cancelling
// `context` stops handing out indices.
template <typename Body>
void for_each_limited(std::size_t count, std::size_t max_in_flight, const Body& body,
                      tbb::task_group_context& context) {
    detail::Edge start;
    detail::Edge handed_out; // the serial input stage runs on any thread, one call at a time
    detail::Edge join;
    start.release();
    std::size_t next = 0;
    auto input = [&](tbb::flow_control& control) -> std::size_t {
        start.acquire();
        handed_out.acquire();
        const std::size_t i = next;
        if (i == count) {
            control.stop();
        } else {
            ++next;
        }
        handed_out.release();
        join.release();
        return i;
    };
    auto work = [&](std::size_t i) {
        start.acquire();
        detail::ReleaseOnExit end(join);
        body(i);
    };
    try {
        tbb::parallel_pipeline(
            max_in_flight,
            tbb::make_filter<void, std::size_t>(tbb::filter_mode::serial_in_order, input) &
                tbb::make_filter<std::size_t, void>(tbb::filter_mode::parallel, work),
            context);
    } catch (...) {
        join.acquire();
        throw;
    }
    join.acquire();
}

// f() as a task of `context`, the caller waiting for it, with its result: cancelling `context`
// (a signal, a failure elsewhere) reaches the parallel loops inside f, and an isolated context
// (tbb::task_group_context::isolated) keeps the caller's cancellation from reaching them.
template <typename F>
auto run_in(tbb::task_group_context& context, const F& f) -> decltype(f()) {
    using Result = decltype(f());
    detail::Edge start;
    detail::Edge join;
    std::optional<std::conditional_t<std::is_void_v<Result>, bool, Result>> result;
    start.release();
    tbb::task_group group(context);
    try {
        group.run_and_wait([&] {
            start.acquire();
            detail::ReleaseOnExit end(join);
            if constexpr (std::is_void_v<Result>) {
                f();
            } else {
                result.emplace(f());
            }
        });
    } catch (...) {
        join.acquire();
        throw;
    }
    join.acquire();
    if constexpr (!std::is_void_v<Result>) {
        return std::move(*result);
    }
}

// f() and g() at the same time (when a second thread is free), waiting for both; returns what
// each threw (null when it returned), so that the caller picks between two failures in a fixed
// order, not by which came first. Both always run: in a context of their own, which the
// caller's cancellation does not reach.
template <typename F, typename G>
std::array<std::exception_ptr, 2> run_both(const F& f, const G& g) {
    std::array<std::exception_ptr, 2> failed;
    tbb::task_group_context own(tbb::task_group_context::isolated);
    for_ranges(
        tbb::blocked_range<int>(0, 2, 1),
        [&](const tbb::blocked_range<int>& r) {
            for (int i = r.begin(); i != r.end(); ++i) {
                try {
                    if (i == 0) {
                        f();
                    } else {
                        g();
                    }
                } catch (...) {
                    failed[static_cast<std::size_t>(i)] = std::current_exception();
                }
            }
        },
        tbb::simple_partitioner(), own);
    return failed;
}

// A once-flag for call_once().
struct OnceFlag {
    tbb::collaborative_once_flag flag;
    detail::Edge done;
};

// Runs f() once for `once`, however many threads call this: the first runs it, the others wait
// and help with its parallel loops (tbb::collaborative_call_once), and every caller returns
// after it, with what f() wrote visible (declared to ThreadSanitizer as above). If f() throws,
// the exception reaches the caller that ran it and a later call runs f() again.
template <typename F>
void call_once(OnceFlag& once, F&& f) {
    tbb::collaborative_call_once(once.flag, [&] {
        f();
        once.done.release();
    });
    once.done.acquire();
}

} // namespace covsim::parallel
