/** The virtual user (virtual-execution.md "The virtual DB"): the only user a virtual DB holds. */
import type { VirtualDb } from "../db/types";
import { Collections, type UserDocument } from "./types";

export const VIRTUAL_USER_ID = "virtual_user_001";

export interface UserRepository {
  /** Inserts the virtual user unless a user with its `_id` exists; returns the stored user. */
  ensureVirtualUser(): UserDocument;
  getUser(userId: string): UserDocument | null;
}

export function createUserRepository(db: VirtualDb): UserRepository {
  const users = () => db.collection(Collections.users);

  return {
    ensureVirtualUser() {
      const existing = users().findOne({ _id: VIRTUAL_USER_ID });
      if (existing) return existing as UserDocument;
      const user: UserDocument = {
        _id: VIRTUAL_USER_ID,
        user_id: VIRTUAL_USER_ID,
        username: "virtual_user",
        email: "virtual@example.com",
        created_at: db.now(),
        is_virtual: true,
      };
      users().insertOne(user);
      return { ...user };
    },

    getUser(userId) {
      return users().findOne({ user_id: userId }) as UserDocument | null;
    },
  };
}
