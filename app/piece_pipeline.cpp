#include "app/piece_pipeline.hpp"

#include <utility>

namespace eco::app {

PiecePipeline::PiecePipeline(std::vector<Stage> stages, std::size_t in_flight)
    : stages_(std::move(stages)),
      in_flight_(in_flight ? in_flight : 1),
      queues_(stages_.size()),
      closed_(stages_.size(), false) {
  threads_.reserve(stages_.size());
  for (std::size_t s = 0; s < stages_.size(); ++s) threads_.emplace_back([this, s] { run(s); });
}

PiecePipeline::~PiecePipeline() {
  {
    std::lock_guard lock(m_);
    abandon_ = true;
  }
  stop();
}

void PiecePipeline::push(Piece& piece) {
  std::unique_lock lock(m_);
  cv_.wait(lock, [&] { return held_ < in_flight_ || error_; });
  if (error_) std::rethrow_exception(error_);
  if (stages_.empty()) {
    piece.clear();
    return;
  }
  ++held_;
  queues_[0].push_back(std::move(piece));
  piece.clear();
  cv_.notify_all();
}

void PiecePipeline::finish() {
  stop();
  if (error_) std::rethrow_exception(error_);
}

void PiecePipeline::stop() {
  {
    std::lock_guard lock(m_);
    if (!closed_.empty()) closed_[0] = true;
    cv_.notify_all();
  }
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

void PiecePipeline::run(std::size_t stage) {
  const bool last = stage + 1 == stages_.size();
  for (;;) {
    Piece piece;
    bool skip = false;
    {
      std::unique_lock lock(m_);
      cv_.wait(lock, [&] { return !queues_[stage].empty() || closed_[stage]; });
      if (queues_[stage].empty()) {
        // Upstream is done and nothing is left: so is this stage.
        if (!last) closed_[stage + 1] = true;
        cv_.notify_all();
        return;
      }
      piece = std::move(queues_[stage].front());
      queues_[stage].pop_front();
      skip = error_ || abandon_;
    }
    if (!skip) {
      try {
        stages_[stage](piece);
      } catch (...) {
        std::lock_guard lock(m_);
        if (!error_) error_ = std::current_exception();
      }
    }
    if (last) {
      // The findings are freed here, off the evaluating thread.
      piece = Piece();
      std::lock_guard lock(m_);
      --held_;
    } else {
      std::lock_guard lock(m_);
      queues_[stage + 1].push_back(std::move(piece));
    }
    cv_.notify_all();
  }
}

}  // namespace eco::app
