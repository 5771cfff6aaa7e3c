"""Just enough H.264 to make a still frame cost nothing: a "skip" picture.

A hold (the picture standing still while the narration speaks) is one picture
shown for many frames. x264 encodes its first frame; every later frame is a P
picture whose macroblocks are all P_Skip with no residual, which a decoder
reconstructs as an exact copy of the picture before it. Such a picture is a
few bytes, and writing it costs no drawing, no colour conversion and no
encoding, yet the stream stays ordinary constant-frame-rate H.264 that every
player decodes.

The skip pictures are CAVLC slices that refer to a second picture parameter
set (``skip_pps``) added beside x264's own CABAC one; a stream may carry
several PPSs and each slice names the one it uses (ITU-T H.264, 7.3.2.2 and
7.4.3). Only the stream layout x264 writes without B-frames is supported
(picture order count type 2, frame pictures): the caller checks
``SeqParams.supports_skips`` and otherwise encodes the repeats normally.
"""

from __future__ import annotations

from dataclasses import dataclass

START_CODE = b"\x00\x00\x00\x01"
NAL_SLICE, NAL_IDR, NAL_SPS, NAL_PPS = 1, 5, 7, 8
HIGH_PROFILES = {100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135}


class BitWriter:
    def __init__(self) -> None:
        self.bits: list[int] = []

    def u(self, n: int, value: int) -> None:
        self.bits += [(value >> (n - 1 - i)) & 1 for i in range(n)]

    def ue(self, value: int) -> None:
        code = value + 1
        n = code.bit_length()
        self.u(n - 1, 0)
        self.u(n, code)

    def se(self, value: int) -> None:
        self.ue(2 * value - 1 if value > 0 else -2 * value)

    def trailing(self) -> bytes:
        """rbsp_trailing_bits: a stop bit, then zeros to the byte boundary."""
        self.bits.append(1)
        self.bits += [0] * (-len(self.bits) % 8)
        return bytes(int("".join(map(str, self.bits[i : i + 8])), 2) for i in range(0, len(self.bits), 8))


class BitReader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def u(self, n: int) -> int:
        value = 0
        for _ in range(n):
            byte = self.data[self.pos >> 3]
            value = (value << 1) | ((byte >> (7 - (self.pos & 7))) & 1)
            self.pos += 1
        return value

    def ue(self) -> int:
        zeros = 0
        while self.u(1) == 0:
            zeros += 1
        return (1 << zeros) - 1 + self.u(zeros)

    def se(self) -> int:
        k = self.ue()
        return (k + 1) // 2 if k % 2 else -(k // 2)


def escape(rbsp: bytes) -> bytes:
    """Insert emulation-prevention bytes (00 00 0x -> 00 00 03 0x for x <= 3)."""
    out, zeros = bytearray(), 0
    for byte in rbsp:
        if zeros >= 2 and byte <= 3:
            out.append(3)
            zeros = 0
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
    return bytes(out)


def unescape(ebsp: bytes) -> bytes:
    out, zeros, i = bytearray(), 0, 0
    while i < len(ebsp):
        byte = ebsp[i]
        if zeros >= 2 and byte == 3:
            zeros = 0
            i += 1
            continue
        out.append(byte)
        zeros = zeros + 1 if byte == 0 else 0
        i += 1
    return bytes(out)


def nal_units(data: bytes) -> list[bytes]:
    """The NAL units of Annex B data (start-code separated), headers included."""
    units, i, n = [], 0, len(data)
    starts = []
    while True:
        j = data.find(b"\x00\x00\x01", i)
        if j < 0:
            break
        starts.append(j + 3)
        i = j + 3
    for k, start in enumerate(starts):
        end = starts[k + 1] - 3 if k + 1 < len(starts) else n
        unit = data[start:end]
        while end < n and unit.endswith(b"\x00"):  # the zero of a 4-byte start code
            unit = unit[:-1]
        units.append(unit)
    return units


def nal(ref_idc: int, unit_type: int, rbsp: bytes) -> bytes:
    return bytes([(ref_idc << 5) | unit_type]) + escape(rbsp)


@dataclass(frozen=True)
class SeqParams:
    """The fields of a sequence parameter set that a skip slice depends on."""

    sps_id: int
    log2_max_frame_num: int
    poc_type: int
    frame_mbs_only: bool
    separate_colour_plane: bool
    width_mbs: int
    height_mbs: int

    @property
    def macroblocks(self) -> int:
        return self.width_mbs * self.height_mbs

    @property
    def supports_skips(self) -> bool:
        # POC type 2 derives display order from frame_num: nothing else to write.
        return self.poc_type == 2 and self.frame_mbs_only and not self.separate_colour_plane


def parse_sps(unit: bytes) -> SeqParams:
    r = BitReader(unescape(unit[1:]))
    profile = r.u(8)
    r.u(16)  # constraint flags, level
    sps_id = r.ue()
    separate = False
    if profile in HIGH_PROFILES:
        chroma = r.ue()
        if chroma == 3:
            separate = bool(r.u(1))
        r.ue(), r.ue(), r.u(1)  # bit depths, transform bypass
        if r.u(1):  # scaling matrices
            for i in range(8 if chroma != 3 else 12):
                if r.u(1):
                    last, nxt = 8, 8
                    for _ in range(16 if i < 6 else 64):
                        if nxt:
                            nxt = (last + r.se() + 256) % 256
                        last = nxt or last
    log2_max_frame_num = r.ue() + 4
    poc_type = r.ue()
    if poc_type == 0:
        r.ue()
    elif poc_type == 1:
        r.u(1), r.se(), r.se()
        for _ in range(r.ue()):
            r.se()
    r.ue(), r.u(1)  # max_num_ref_frames, gaps_in_frame_num_value_allowed_flag
    width_mbs = r.ue() + 1
    height_units = r.ue() + 1
    frame_mbs_only = bool(r.u(1))
    return SeqParams(
        sps_id,
        log2_max_frame_num,
        poc_type,
        frame_mbs_only,
        separate,
        width_mbs,
        height_units * (1 if frame_mbs_only else 2),
    )


def pps_ids(unit: bytes) -> tuple[int, int]:
    """(pic_parameter_set_id, seq_parameter_set_id) of a PPS."""
    r = BitReader(unescape(unit[1:]))
    return r.ue(), r.ue()


def skip_pps(pps_id: int, sps_id: int) -> bytes:
    """A CAVLC PPS for the skip slices: one reference, no weighting, deblocking controllable."""
    w = BitWriter()
    w.ue(pps_id)
    w.ue(sps_id)
    w.u(1, 0)  # entropy_coding_mode_flag: CAVLC
    w.u(1, 0)  # bottom_field_pic_order_in_frame_present_flag
    w.ue(0)  # num_slice_groups_minus1
    w.ue(0)  # num_ref_idx_l0_default_active_minus1
    w.ue(0)  # num_ref_idx_l1_default_active_minus1
    w.u(1, 0)  # weighted_pred_flag
    w.u(2, 0)  # weighted_bipred_idc
    w.se(0)  # pic_init_qp_minus26
    w.se(0)  # pic_init_qs_minus26
    w.se(0)  # chroma_qp_index_offset
    w.u(1, 1)  # deblocking_filter_control_present_flag
    w.u(1, 0)  # constrained_intra_pred_flag
    w.u(1, 0)  # redundant_pic_cnt_present_flag
    return nal(3, NAL_PPS, w.trailing())


def skip_slice(sps: SeqParams, pps_id: int, frame_num: int) -> bytes:
    """A P picture, one slice, every macroblock P_Skip: an exact copy of the previous picture."""
    w = BitWriter()
    w.ue(0)  # first_mb_in_slice
    w.ue(5)  # slice_type: P (every slice of the picture)
    w.ue(pps_id)
    w.u(sps.log2_max_frame_num, frame_num % (1 << sps.log2_max_frame_num))
    w.u(1, 0)  # num_ref_idx_active_override_flag
    w.u(1, 0)  # ref_pic_list_modification_flag_l0
    w.u(1, 0)  # adaptive_ref_pic_marking_mode_flag (a reference picture: sliding window)
    w.se(0)  # slice_qp_delta
    w.ue(1)  # disable_deblocking_filter_idc: nothing to filter in a copy
    w.ue(sps.macroblocks)  # mb_skip_run: the whole picture
    return nal(2, NAL_SLICE, w.trailing())


def slice_frame_num(unit: bytes, sps: SeqParams) -> int:
    r = BitReader(unescape(unit[1:]))
    r.ue(), r.ue(), r.ue()  # first_mb_in_slice, slice_type, pic_parameter_set_id
    return r.u(sps.log2_max_frame_num)


@dataclass
class SkipWriter:
    """Skip pictures for one coded video sequence, continuing its frame_num."""

    sps: SeqParams
    pps_id: int
    next_frame_num: int = 0

    @classmethod
    def for_extradata(cls, extradata: bytes) -> tuple[SkipWriter, bytes] | None:
        """From an encoder's Annex B extradata (SPS, PPS): the writer and the
        extradata with the skip PPS added, or None if the layout is unsupported."""
        units = nal_units(extradata)
        sps_units = [u for u in units if u and u[0] & 0x1F == NAL_SPS]
        pps_units = [u for u in units if u and u[0] & 0x1F == NAL_PPS]
        if len(sps_units) != 1 or not pps_units:
            return None
        sps = parse_sps(sps_units[0])
        if not sps.supports_skips:
            return None
        used = {pps_ids(u)[0] for u in pps_units}
        pps_id = max(used) + 1
        return cls(sps, pps_id), extradata + START_CODE + skip_pps(pps_id, sps.sps_id)

    def follow(self, packet: bytes) -> None:
        """Note an encoder packet (Annex B): the next skip continues its frame_num."""
        for unit in nal_units(packet):
            if unit and unit[0] & 0x1F in (NAL_SLICE, NAL_IDR):
                self.next_frame_num = slice_frame_num(unit, self.sps) + 1
                return

    def next(self) -> bytes:
        """The next skip picture as an Annex B access unit."""
        unit = skip_slice(self.sps, self.pps_id, self.next_frame_num)
        self.next_frame_num += 1
        return START_CODE + unit
