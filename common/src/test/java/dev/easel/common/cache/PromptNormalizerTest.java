package dev.easel.common.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PromptNormalizerTest {

    @ParameterizedTest(name = "\"{0}\" -> \"{1}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "A  Red CIRCLE                           | a red circle",
            "`  a\tred\n\ncircle  `                  | a red circle",
            "a red circle , blue background .        | a red circle, blue background",
            "Ａ ｒｅｄ　ｃｉｒｃｌｅ！                   | a red circle!",
            "Straße                                  | strasse",
            "ＡＢＣ１２３                              | abc123",
            "红色的圆形，蓝色背景                       | 红色的圆形,蓝色背景",
            "红色的圆形, 蓝色背景                       | 红色的圆形,蓝色背景",
            "红色的 圆形，蓝色背景。                    | 红色的圆形,蓝色背景",
            "`  红色的　圆形 ， 蓝色 背景 。 `            | 红色的圆形,蓝色背景",
            "猫、犬、鳥                                | 猫,犬,鳥",
            "他说「你好」和『再见』                     | 他说\"你好\"和\"再见\"",
            "“quoted” and ‘single’                   | \"quoted\" and 'single'",
            "【重要】《书名》〈章〉                      | [重要]<书名><章>",
            "（括号）：冒号；分号？                      | (括号):冒号;分号?",
            "a\u200Bb\uFEFFc                            | abc",
            "wait…                                   | wait",
            "한국어 문장                               | 한국어 문장",
            "sunset — sea                            | sunset - sea",
            "``                                      | ``",
    })
    void foldsWhatAReaderWouldCallTheSamePrompt(String prompt, String expected) {
        assertThat(PromptNormalizer.normalize(prompt)).isEqualTo(expected);
    }

    @Test
    void treatsNullAsEmpty() {
        assertThat(PromptNormalizer.normalize(null)).isEmpty();
    }
}
