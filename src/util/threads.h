// Private: thread-count resolution shared by the batch APIs.
#ifndef VOC_SRC_THREADS_H_
#define VOC_SRC_THREADS_H_

namespace voc::internal {

// `threads` if positive, else the number of hardware threads (at least 1).
int ResolveThreads(int threads);

}  // namespace voc::internal

#endif  // VOC_SRC_THREADS_H_
