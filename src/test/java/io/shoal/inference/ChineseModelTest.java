package io.shoal.inference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** bge-small-zh-v1.5 places Chinese product titles of one kind closer together than titles of different kinds. */
class ChineseModelTest {

    private static final List<List<String>> KINDS = List.of(
            List.of("华为 Mate 60 Pro 智能手机 12GB+512GB 雅川青",
                    "小米14 5G手机 徕卡光学镜头 骁龙8Gen3",
                    "Apple iPhone 15 (A3092) 128GB 黑色 支持移动联通电信5G 双卡双待手机",
                    "OPPO Reno11 新款拍照手机 全网通"),
            List.of("飞鹤星飞帆 幼儿配方奶粉 3段 700克",
                    "美赞臣蓝臻 婴儿配方奶粉 1段 0-6个月 900g",
                    "爱他美卓萃 较大婴儿配方奶粉 2段 罐装",
                    "伊利金领冠 婴幼儿牛奶粉 3段 800g"),
            List.of("三只松鼠 每日坚果 混合果仁 750g 零食大礼包",
                    "良品铺子 猪肉脯 靖江风味 肉干零食 200g",
                    "乐事薯片 原味 70g 膨化休闲零食",
                    "百草味 芒果干 蜜饯果干 办公室小吃"));

    private static SentenceEncoder encoder;

    @BeforeAll
    static void load() {
        encoder = TestModels.load(ModelSpec.bgeSmallZhV15());
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    @Test
    void sameKindIsCloserThanOtherKinds() {
        List<String> texts = new ArrayList<>();
        List<Integer> kindOf = new ArrayList<>();
        for (int k = 0; k < KINDS.size(); k++) {
            for (String title : KINDS.get(k)) {
                texts.add(title);
                kindOf.add(k);
            }
        }
        float[][] vectors = encoder.encode(texts);
        assertThat(vectors[0]).hasSize(512);
        double intra = 0;
        double inter = 0;
        int intraPairs = 0;
        int interPairs = 0;
        for (int i = 0; i < texts.size(); i++) {
            for (int j = i + 1; j < texts.size(); j++) {
                double cosine = Vectors.cosine(vectors[i], vectors[j]);
                if (kindOf.get(i).equals(kindOf.get(j))) {
                    intra += cosine;
                    intraPairs++;
                } else {
                    inter += cosine;
                    interPairs++;
                }
            }
        }
        double meanIntra = intra / intraPairs;
        double meanInter = inter / interPairs;
        System.out.printf("ChineseModelTest: mean cosine same kind %.4f, different kinds %.4f%n", meanIntra,
                meanInter);
        assertThat(meanIntra - meanInter).isGreaterThan(0.1);
    }
}
