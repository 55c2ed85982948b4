package dev.patchmem.config;

import java.util.List;

/**
 * Section {@code model}: the U-Net architecture. {@code preset} names a file in models/ whose keys
 * fill this section; keys given beside it override the preset's.
 *
 * @param preset      architecture preset file (e.g. models/unet-tiny.json), or "" for none
 * @param channels    width of the first level (default 32)
 * @param channelMult width multiplier per resolution level (default [1, 2])
 * @param resBlocks   residual blocks per level (default 1)
 * @param attention   self-attention at the lowest resolution (default false)
 * @param groups      GroupNorm groups; must divide every level's width (default 8)
 */
public record ModelConfig(String preset, int channels, List<Integer> channelMult, int resBlocks, boolean attention,
                          int groups) {

    public static final ModelConfig DEFAULT = new ModelConfig("", 32, List.of(1, 2), 1, false, 8);

    public ModelConfig {
        preset = preset == null ? "" : preset;
        Check.range("model.channels", channels, 1, 4096);
        Check.present("model.channelMult", channelMult);
        Check.that(!channelMult.isEmpty(), "model.channelMult must list at least one level");
        channelMult = List.copyOf(Check.noNulls("model.channelMult", channelMult));
        Check.range("model.groups", groups, 1, 1024);
        for (int m : channelMult) {
            Check.range("model.channelMult[]", m, 1, 64);
            Check.that((channels * m) % groups == 0, "model.groups (" + groups + ") must divide every level width, "
                    + channels * m + " is not a multiple");
        }
        Check.range("model.resBlocks", resBlocks, 1, 16);
    }
}
