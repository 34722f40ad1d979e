package io.shoal.replay;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Complete Journey's products.csv by product_id: the words the item text is built from. */
public final class ProductCatalog {

    /**
     * One product; blank fields are null.
     *
     * @param department      e.g. {@code GROCERY}
     * @param productCategory e.g. {@code SOFT DRINKS}
     * @param productType     e.g. {@code SOFT DRINKS 12/18&15PK CAN CAR}
     * @param brand           {@code National} or {@code Private} (store brand)
     */
    public record Product(String department, String productCategory, String productType, String brand) {
    }

    private final Map<String, Product> products;

    public ProductCatalog(Map<String, Product> products) {
        this.products = Map.copyOf(products);
    }

    public Optional<Product> find(String productId) {
        return Optional.ofNullable(products.get(productId));
    }

    /** Every product (in no particular order). */
    public Collection<Product> all() {
        return products.values();
    }

    public int size() {
        return products.size();
    }

    /** Reads every record of a products.csv (header first). */
    public static ProductCatalog read(CsvReader reader) throws IOException {
        CsvRecord header = reader.next();
        if (header == null) {
            throw new IOException("the products file is empty");
        }
        CsvColumns columns = new CsvColumns(header.fields(), "a Complete Journey products file", "product_id",
                "department", "product_category", "product_type", "brand");
        int id = columns.index("product_id");
        int department = columns.index("department");
        int category = columns.index("product_category");
        int type = columns.index("product_type");
        int brand = columns.index("brand");
        Map<String, Product> products = new HashMap<>(131_072);
        for (CsvRecord r = reader.next(); r != null; r = reader.next()) {
            products.put(r.field(id).trim(), new Product(OnlineRetailMapper.blankToNull(r.field(department)),
                    OnlineRetailMapper.blankToNull(r.field(category)), OnlineRetailMapper.blankToNull(r.field(type)),
                    OnlineRetailMapper.blankToNull(r.field(brand))));
        }
        return new ProductCatalog(products);
    }
}
