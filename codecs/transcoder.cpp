#include "codecs/transcoder.hpp"

#include <algorithm>
#include <vector>

#include "codecs/impl/resampler.hpp"

namespace tandem::codecs {
namespace {

/// Samples of `duration` at `rate`.
std::size_t samples_of(std::chrono::milliseconds duration, std::uint32_t rate) {
    return static_cast<std::size_t>(duration.count()) * rate / 1000;
}

/// Queued output packet; buffers are sized once in create().
struct out_packet {
    std::vector<std::uint8_t> bytes;
    std::size_t size = 0;
    std::uint32_t timestamp = 0;
};

/// The transcoder. Stream state (everything else is buffers):
///   idle    --push (speech)-->  talking  (the first input timestamp anchors the stream)
///   idle    --push (SID)---->   dtx
///   talking --push (SID)---->   dtx      (gaps from now on are silence: comfort noise)
///   dtx     --push (speech)-->  talking  (gaps are losses again: concealment)
///   any but idle --push_loss--> same
/// A gap longer than max_conceal (talking) or max_comfort_noise (dtx) restarts in place.
class transcoder_impl final : public transcoder {
public:
    transcoder_impl(std::unique_ptr<decoder> dec, std::unique_ptr<encoder> enc,
                    const transcoder_config& config)
        : dec_(std::move(dec)), enc_(std::move(enc)), in_(dec_->info()), out_(enc_->info()),
          config_(config), frames_per_packet_(out_.frames_per_packet(config.out_ptime)),
          next_out_ts_(config.initial_out_timestamp) {
        const std::size_t in_max = samples_of(config.max_in_ptime, in_.sample_rate) +
                                   in_.samples_per_frame;  // a payload may round up to a frame
        decoded_.resize(in_max);
        const std::size_t linear_max =
            in_max * out_.sample_rate / in_.sample_rate + out_.samples_per_frame + 64;
        if (in_.sample_rate != out_.sample_rate) {
            resampler_ = std::make_unique<impl::resampler>(in_.sample_rate, out_.sample_rate);
            resampled_.resize(linear_max);
        }
        fifo_.resize(linear_max + out_.samples_per_frame);
        frame_bytes_.resize(out_.bytes_per_frame);
        // Worst case per push: every output frame ends a packet (VAD), plus a margin.
        const std::size_t per_push = linear_max / out_.samples_per_frame + 2;
        queue_.resize(2 * per_push + 2);
        for (auto& p : queue_) p.bytes.resize(frames_per_packet_ * out_.bytes_per_frame);
        building_.bytes.resize(frames_per_packet_ * out_.bytes_per_frame);
        max_conceal_frames_ = samples_of(config.max_conceal, in_.sample_rate) / in_.samples_per_frame;
        max_comfort_frames_ =
            samples_of(config.max_comfort_noise, in_.sample_rate) / in_.samples_per_frame;
    }

    [[nodiscard]] bool ok() const noexcept { return !resampler_ || resampler_->ok(); }

    expected<void, codec_error> push(std::span<const std::uint8_t> payload,
                                     std::uint32_t rtp_timestamp) override {
        ++stats_.packets_in;
        if (state_ != state::idle) {
            const auto ahead = static_cast<std::int32_t>(rtp_timestamp - expected_in_ts_);
            if (ahead < 0) {  // behind the stream: duplicate or too late to play
                ++stats_.late_packets;
                return {};
            }
            if (ahead > 0) handle_gap(static_cast<std::uint32_t>(ahead));
        }
        auto decoded = dec_->decode(payload, decoded_);
        if (!decoded) {
            ++stats_.errors;
            return make_unexpected(decoded.error());
        }
        const auto ticks = static_cast<std::uint32_t>(*decoded * in_.clock_rate / in_.sample_rate);
        // A payload ending in a SID frame (RFC 3551 §4.5.6) starts discontinuous transmission.
        const bool sid = in_.sid_bytes != 0 && payload.size() % in_.bytes_per_frame == in_.sid_bytes;
        state_ = sid ? state::dtx : state::talking;
        expected_in_ts_ = rtp_timestamp + ticks;
        feed(std::span<const std::int16_t>(decoded_).first(*decoded));
        return {};
    }

    expected<void, codec_error> push_loss(std::size_t frames) override {
        conceal_frames(frames);
        if (state_ != state::idle) {
            expected_in_ts_ += static_cast<std::uint32_t>(frames * in_.rtp_ticks_per_frame());
        }
        return {};
    }

    std::optional<transcoded_packet> pop() override {
        if (queued_ == 0) return std::nullopt;
        const out_packet& p = queue_[head_];
        head_ = (head_ + 1) % queue_.size();
        --queued_;
        ++stats_.packets_out;
        return transcoded_packet{std::span<const std::uint8_t>(p.bytes).first(p.size), p.timestamp};
    }

    const transcoder_stats& stats() const noexcept override { return stats_; }
    const codec_info& from() const noexcept override { return in_; }
    const codec_info& to() const noexcept override { return out_; }

private:
    /// Input jumped ahead by `ticks`: conceal whole lost frames, or restart on a long gap.
    void handle_gap(std::uint32_t ticks) {
        const std::uint32_t per_frame = in_.rtp_ticks_per_frame();
        const std::size_t frames = ticks / per_frame;
        if (state_ == state::dtx && frames <= max_comfort_frames_) {
            // The decoder's conceal() after a SID continues comfort noise (G.729 Annex B).
            conceal_frames(frames);
            stats_.frames_concealed -= frames;
            stats_.comfort_noise_frames += frames;
            return;
        }
        if (frames <= max_conceal_frames_) {
            conceal_frames(frames);
            return;
        }
        // Too long to invent: keep output time in step with input time and start afresh. The
        // samples waiting for a whole output frame (less than one frame) are dropped, and their
        // time skipped too, so that the audio after the gap keeps its true timestamp.
        ++stats_.restarts;
        flush_building();
        const auto pending = static_cast<std::uint32_t>(std::uint64_t{fifo_len_} * out_.clock_rate / out_.sample_rate);
        fifo_len_ = 0;
        next_out_ts_ += pending +
                        static_cast<std::uint32_t>(std::uint64_t{ticks} * out_.clock_rate / in_.clock_rate);
        dec_->reset();
    }

    void conceal_frames(std::size_t frames) {
        const std::size_t capacity = decoded_.size() / in_.samples_per_frame;
        while (frames > 0) {
            const std::size_t n = std::min(frames, capacity);
            auto span = std::span<std::int16_t>(decoded_).first(n * in_.samples_per_frame);
            if (auto r = dec_->conceal(span); r) {
                feed(span.first(*r));
            }
            stats_.frames_concealed += n;
            frames -= n;
        }
    }

    /// Linear audio at the input rate: resample, queue, encode every whole output frame.
    void feed(std::span<const std::int16_t> linear) {
        if (resampler_) {
            const std::size_t n = resampler_->process(linear, resampled_);
            linear = std::span<const std::int16_t>(resampled_).first(n);
        }
        // fifo_ holds fewer than one output frame between calls; append and drain.
        const std::size_t room = fifo_.size() - fifo_len_;
        const std::size_t take = std::min(room, linear.size());
        std::copy_n(linear.begin(), take, fifo_.begin() + static_cast<std::ptrdiff_t>(fifo_len_));
        fifo_len_ += take;
        if (take < linear.size()) ++stats_.errors;  // cannot happen with the sizes above
        const std::size_t frame = out_.samples_per_frame;
        std::size_t at = 0;
        for (; at + frame <= fifo_len_; at += frame) {
            encode_frame(std::span<const std::int16_t>(fifo_).subspan(at, frame));
        }
        std::copy(fifo_.begin() + static_cast<std::ptrdiff_t>(at),
                  fifo_.begin() + static_cast<std::ptrdiff_t>(fifo_len_), fifo_.begin());
        fifo_len_ -= at;
    }

    /// One output frame: append to the packet being built; a full packet, a SID frame (which
    /// must end its packet, RFC 3551 §4.5.6) or a suppressed frame closes the packet.
    void encode_frame(std::span<const std::int16_t> pcm) {
        const std::uint32_t frame_ts = next_out_ts_;
        next_out_ts_ += out_.rtp_ticks_per_frame();
        auto coded = enc_->encode(pcm, frame_bytes_);
        if (!coded) {
            ++stats_.errors;
            flush_building();
            return;
        }
        if (*coded == 0) {  // VAD: nothing to send for this frame
            if (building_frames_ == 0) ++stats_.silent_packets;
            flush_building();
            return;
        }
        if (building_frames_ == 0) building_.timestamp = frame_ts;
        std::copy_n(frame_bytes_.begin(), *coded,
                    building_.bytes.begin() + static_cast<std::ptrdiff_t>(building_.size));
        building_.size += *coded;
        ++building_frames_;
        if (*coded != out_.bytes_per_frame || building_frames_ == frames_per_packet_) {
            flush_building();
        }
    }

    void flush_building() {
        if (building_frames_ == 0) return;
        if (queued_ == queue_.size()) {  // nobody popped: the oldest packet goes, counted
            head_ = (head_ + 1) % queue_.size();
            --queued_;
            ++stats_.errors;
        }
        out_packet& slot = queue_[(head_ + queued_) % queue_.size()];
        std::swap(slot.bytes, building_.bytes);  // swap buffers: no copy, no allocation
        slot.size = building_.size;
        slot.timestamp = building_.timestamp;
        ++queued_;
        building_.size = 0;
        building_frames_ = 0;
    }

    std::unique_ptr<decoder> dec_;
    std::unique_ptr<encoder> enc_;
    const codec_info& in_;
    const codec_info& out_;
    transcoder_config config_;
    std::size_t frames_per_packet_;
    std::size_t max_conceal_frames_ = 0;
    std::size_t max_comfort_frames_ = 0;
    enum class state { idle, talking, dtx };
    state state_ = state::idle;
    std::uint32_t expected_in_ts_ = 0;
    std::uint32_t next_out_ts_;

    std::unique_ptr<impl::resampler> resampler_;
    std::vector<std::int16_t> decoded_;
    std::vector<std::int16_t> resampled_;
    std::vector<std::int16_t> fifo_;
    std::size_t fifo_len_ = 0;
    std::vector<std::uint8_t> frame_bytes_;

    out_packet building_;
    std::size_t building_frames_ = 0;
    std::vector<out_packet> queue_;
    std::size_t head_ = 0;
    std::size_t queued_ = 0;

    transcoder_stats stats_;
};

}  // namespace

expected<std::unique_ptr<transcoder>, codec_error> transcoder::create(
    const codec_factory& from, const codec_factory& to, const transcoder_config& config) {
    if (!to.info().allows_ptime(config.out_ptime)) {
        return make_unexpected(codec_error::unsupported_ptime);
    }
    if (config.max_in_ptime.count() <= 0 || config.max_in_ptime > std::chrono::milliseconds{1000}) {
        return make_unexpected(codec_error::unsupported_ptime);
    }
    auto dec = from.make_decoder();
    if (!dec) return make_unexpected(dec.error());
    auto enc = to.make_encoder(config.encoder);
    if (!enc) return make_unexpected(enc.error());
    auto t = std::make_unique<transcoder_impl>(std::move(*dec), std::move(*enc), config);
    if (!t->ok()) return make_unexpected(codec_error::backend_failure);
    return std::unique_ptr<transcoder>(std::move(t));
}

}  // namespace tandem::codecs
