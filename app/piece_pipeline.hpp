#pragma once
// A pipeline for the pieces of findings a streamed sweep evaluates: each stage (recording the
// sweep, writing the reports) runs on its own thread and takes the pieces in the order they
// were pushed, so that recording and writing one piece overlap with evaluating the next
// instead of stopping the evaluation while they run.
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/findings/finding.hpp"

namespace eco::app {

class PiecePipeline {
 public:
  using Piece = std::vector<engine::Finding>;
  using Stage = std::function<void(Piece&)>;

  // Starts one thread per stage. A piece goes through `stages` in order and is dropped after
  // the last; at most `in_flight` pieces (>= 1) are held at once, waiting or in a stage.
  PiecePipeline(std::vector<Stage> stages, std::size_t in_flight);
  // Without a finish(): the pieces still held are dropped unprocessed and the threads joined.
  ~PiecePipeline();
  PiecePipeline(const PiecePipeline&) = delete;
  PiecePipeline& operator=(const PiecePipeline&) = delete;

  // Hands `piece` over (it is moved from); waits while `in_flight` pieces are held. Once a
  // stage has thrown, rethrows its exception here (the pieces after it are not processed).
  void push(Piece& piece);
  // Waits until every piece has been through every stage, joins the threads and rethrows the
  // first exception a stage threw. Call once.
  void finish();

 private:
  void run(std::size_t stage);
  void stop();

  std::vector<Stage> stages_;
  std::size_t in_flight_;
  std::mutex m_;
  std::condition_variable cv_;
  std::vector<std::deque<Piece>> queues_;  // pieces waiting for each stage
  std::size_t held_ = 0;                   // pieces waiting or in a stage
  std::vector<bool> closed_;               // no more pieces will come to the stage
  std::exception_ptr error_;
  bool abandon_ = false;                   // destroyed without finish(): skip the work
  std::vector<std::thread> threads_;
};

}  // namespace eco::app
